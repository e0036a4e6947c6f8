package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

// pyJSONCases are request bodies Python's json module refuses, with the
// character offset and message of its JSONDecodeError (CPython 3.11 and
// 3.12; TestPyJSONCasesAgainstPython checks them against the python3 at
// hand). FastAPI answers each with one json_invalid item at ["body", pos]
// whose ctx.error is the message.
var pyJSONCases = []struct {
	body string
	pos  int
	msg  string
}{
	// Truncated and malformed objects.
	{`{"email": "x@example.com",`, 26, "Expecting property name enclosed in double quotes"},
	{`{"email":"x@example.com","password":"p"`, 39, "Expecting ',' delimiter"},
	{`{"a":1,` + "\n  ", 10, "Expecting property name enclosed in double quotes"},
	{`{"\ud83d\ude00":1,`, 18, "Expecting property name enclosed in double quotes"},
	{`{"a":1,}`, 7, "Expecting property name enclosed in double quotes"},
	{`{`, 1, "Expecting property name enclosed in double quotes"},
	{`{bad`, 1, "Expecting property name enclosed in double quotes"},
	{`{1:2}`, 1, "Expecting property name enclosed in double quotes"},
	{`{'a':1}`, 1, "Expecting property name enclosed in double quotes"},
	{`{"a"`, 4, "Expecting ':' delimiter"},
	{`{"a" 1}`, 5, "Expecting ':' delimiter"},
	{`{ "a" : 1 , "b" }`, 16, "Expecting ':' delimiter"},
	{`{"email":`, 9, "Expecting value"},
	{`{"email": `, 10, "Expecting value"},
	{`{"a":}`, 5, "Expecting value"},
	{`{"a": tru}`, 6, "Expecting value"},
	{`{"a": nul}`, 6, "Expecting value"},
	{`{"a": -}`, 6, "Expecting value"},
	{`{"a":1 "b":2}`, 7, "Expecting ',' delimiter"},
	{`{"a": 1.5e}`, 9, "Expecting ',' delimiter"},
	{`{"é":1 x}`, 7, "Expecting ',' delimiter"},
	{`{"a":"éé" x`, 10, "Expecting ',' delimiter"},
	{`{"a":[1,2,{"b":]}`, 15, "Expecting value"},
	// Arrays.
	{`[`, 1, "Expecting value"},
	{`[1`, 2, "Expecting ',' delimiter"},
	{`[1 2]`, 3, "Expecting ',' delimiter"},
	{`[1,]`, 3, "Expecting value"},
	{"[1,\n", 4, "Expecting value"},
	// Strings.
	{`"abc`, 0, "Unterminated string starting at"},
	{`"\`, 0, "Unterminated string starting at"},
	{`"abc\"`, 0, "Unterminated string starting at"},
	{`"a\x"`, 2, `Invalid \escape`},
	{`"\u12"`, 2, `Invalid \uXXXX escape`},
	{`"\u12G4"`, 2, `Invalid \uXXXX escape`},
	{`"\ud800\u12G4"`, 8, `Invalid \uXXXX escape`},
	{"\"a\x01\"", 2, "Invalid control character at"},
	{"{\"a\":\"b\nc\"}", 7, "Invalid control character at"},
	// Values and what follows them.
	{``, 0, "Expecting value"},
	{` `, 1, "Expecting value"},
	{`  x`, 2, "Expecting value"},
	{`nope`, 0, "Expecting value"},
	{`tru`, 0, "Expecting value"},
	{`\`, 0, "Expecting value"},
	{`-`, 0, "Expecting value"},
	{`-a`, 0, "Expecting value"},
	{`01`, 1, "Extra data"},
	{`1.`, 1, "Extra data"},
	{`1.e5`, 1, "Extra data"},
	{`1e`, 1, "Extra data"},
	{`1e+`, 1, "Extra data"},
	{`1 2`, 2, "Extra data"},
	{`truex`, 4, "Extra data"},
	{`null x`, 5, "Extra data"},
	{`[]]`, 2, "Extra data"},
	{`{} {}`, 3, "Extra data"},
	{`{"a":1}}`, 7, "Extra data"},
	{`{"a":1} x`, 8, "Extra data"},
	{"\ufeff\ufeff{}", 0, "Expecting value"}, // one byte order mark is dropped, not two
}

// pyJSONValid are bodies Python's json module accepts (some of which Go's
// does not).
var pyJSONValid = []string{`{}`, ` {"a" : [1, -2.5e+3, "\ud800\udc00", true, null]} `, `"\ud800"`, `NaN`, `-Infinity`, `[Infinity]`}

func TestPyJSONError(t *testing.T) {
	for _, c := range pyJSONCases {
		msg, pos, ok := pyJSONError([]byte(strings.TrimPrefix(c.body, "\ufeff")))
		if !ok || msg != c.msg || pos != c.pos {
			t.Errorf("pyJSONError(%q) = %q at %d (%v), want %q at %d", c.body, msg, pos, ok, c.msg, c.pos)
		}
	}
	for _, body := range pyJSONValid {
		if msg, pos, ok := pyJSONError([]byte(body)); ok {
			t.Errorf("pyJSONError(%q) = %q at %d, want none (Python accepts it)", body, msg, pos)
		}
	}
}

// TestJSONInvalidItems checks the whole 422 item of each case, through
// readBody, for a body sent with and without a byte order mark.
func TestJSONInvalidItems(t *testing.T) {
	for _, c := range pyJSONCases {
		for _, bom := range []string{"", "\ufeff"} {
			body := bom + c.body
			if body == "" {
				continue // no body at all: not parsed (a missing body)
			}
			_, resp := readBody(&Request{Body: []byte(body), Headers: http.Header{"Content-Type": {"application/json"}}})
			if resp == nil {
				t.Errorf("readBody(%q) accepted it", body)
				continue
			}
			want := `{"detail":[{"type":"json_invalid","loc":["body",` + itoa(c.pos) + `],"msg":"JSON decode error","input":{},"ctx":{"error":` + string(marshal(c.msg)) + `}}]}`
			if resp.Status != 422 || string(resp.Body) != want {
				t.Errorf("readBody(%q) = %d %s\nwant 422 %s", body, resp.Status, resp.Body, want)
			}
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// runPython runs script with python3, the JSON list of inputs on its
// standard input, and returns its output lines. It skips t when there is
// no python3 or it cannot import module, and when the script's output
// starts with "SKIP ", with the rest of it.
func runPython(t *testing.T, module, script string, inputs []string) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import "+module).Run() != nil {
		t.Skipf("python3 with %s not found: the table is not checked against it", module)
	}
	in, _ := json.Marshal(inputs)
	cmd := exec.CommandContext(t.Context(), py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	if rest, ok := strings.CutPrefix(string(out), "SKIP "); ok {
		t.Skip(strings.TrimSpace(rest))
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestPyJSONCasesAgainstPython runs the table through the python3 at hand,
// so the table is what Python says, not what we think it says.
func TestPyJSONCasesAgainstPython(t *testing.T) {
	const script = `
import json, sys
if sys.version_info >= (3, 13):
    print("SKIP Python %d.%d reports trailing commas differently; the table is 3.11/3.12's" % sys.version_info[:2])
    sys.exit(0)
for body in json.load(sys.stdin):
    try:
        json.loads(body.encode("utf-8", "surrogatepass"))
        print(json.dumps(None))
    except json.JSONDecodeError as e:
        print(json.dumps([e.pos, e.msg]))
`
	var bodies []string
	for _, c := range pyJSONCases {
		bodies = append(bodies, c.body)
	}
	bodies = append(bodies, pyJSONValid...)
	lines := runPython(t, "json", script, bodies)
	if len(lines) != len(bodies) {
		t.Fatalf("python3 answered %d lines for %d bodies", len(lines), len(bodies))
	}
	for i, l := range lines {
		want := "null"
		if i < len(pyJSONCases) {
			want = string(marshal([]any{pyJSONCases[i].pos, pyJSONCases[i].msg}))
		}
		var got any
		_ = json.Unmarshal([]byte(l), &got)
		if string(marshal(got)) != want {
			t.Errorf("Python on %q: %s, the table says %s", bodies[i], l, want)
		}
	}
}

// FuzzPyJSONError checks pyJSONError against Go's decoder: both accept the
// same documents, except NaN and Infinity, which only Python accepts; and
// an offset always lies within the document.
func FuzzPyJSONError(f *testing.F) {
	for _, c := range pyJSONCases {
		f.Add(c.body)
	}
	for _, b := range pyJSONValid {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			return
		}
		msg, pos, refused := pyJSONError([]byte(body))
		if refused && (pos < 0 || pos > utf8.RuneCountInString(body) || msg == "") {
			t.Fatalf("pyJSONError(%q) = %q at %d", body, msg, pos)
		}
		if json.Valid([]byte(body)) && refused {
			t.Fatalf("Go accepts %q, pyJSONError refuses it: %q at %d", body, msg, pos)
		}
		if !json.Valid([]byte(body)) && !refused && !strings.Contains(body, "NaN") && !strings.Contains(body, "Infinity") {
			t.Fatalf("Go refuses %q, pyJSONError accepts it", body)
		}
	})
}
