package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/zincware/zndraw-auth-go/core"
)

// ValidationError is one item of FastAPI's 422 body
// {"detail":[{"type","loc","msg","input"[,"ctx"]}]}.
type ValidationError struct {
	Type  string          `json:"type"`
	Loc   []any           `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input"`
	Ctx   any             `json:"ctx,omitempty"`
}

var jsonNull = json.RawMessage("null")

// Bounds on what a JSON body can make the kit parse and send back.
const (
	// MaxJSONDepth is the deepest nesting of arrays and objects a JSON
	// body may have. A deeper body is answered 400 {"detail":"There was an
	// error parsing the body"}, FastAPI's answer when Python's parser gives
	// up on a body (its json module stops at the interpreter's recursion
	// limit). No body of the kit's routes nests deeper than 2.
	MaxJSONDepth = 64
	// MaxEchoedInputBytes bounds the "input" of a 422 item. An input whose
	// JSON is longer is echoed as a string: its first MaxEchoedInputChars
	// characters (of the string itself, or of the JSON text of any other
	// value) followed by "…", at most about 1.5 KB. Pydantic echoes inputs
	// whole; a 1 MiB body would otherwise come back once per invalid field.
	MaxEchoedInputBytes = 1024
	// MaxEchoedInputChars is how many characters of an over-long input are
	// echoed.
	MaxEchoedInputChars = 256
)

func validationFailed(items []ValidationError) *Response {
	for i := range items {
		items[i].Input = clipInput(items[i].Input)
	}
	return detail(http.StatusUnprocessableEntity, items)
}

// clipInput bounds an echoed input (see MaxEchoedInputBytes).
func clipInput(in json.RawMessage) json.RawMessage {
	if len(in) <= MaxEchoedInputBytes {
		return in
	}
	text := string(in)
	if in[0] == '"' {
		var s string
		if json.Unmarshal(in, &s) == nil {
			text = s
		}
	}
	n := 0
	for i := range text {
		if n == MaxEchoedInputChars {
			text = text[:i]
			break
		}
		n++
	}
	return rawString(text + "…")
}

// tooDeep reports whether the JSON text b nests arrays and objects deeper
// than max (brackets inside strings do not count). It looks only at
// brackets and quotes, so it also bounds malformed JSON.
func tooDeep(b []byte, max int) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

// rawString encodes s as a JSON string (for the "input" of an item).
func rawString(s string) json.RawMessage { return marshal(s) }

func missing(loc ...any) ValidationError {
	return ValidationError{Type: "missing", Loc: loc, Msg: "Field required", Input: jsonNull}
}

// body is a request body as FastAPI sees it before validation.
type body struct {
	// kind: none (empty body), json (parsed), raw (not a JSON content type).
	kind int
	raw  []byte
	obj  map[string]json.RawMessage // set when the JSON is an object
}

const (
	bodyNone = iota
	bodyJSON
	bodyRaw
)

// isJSONContentType reports whether FastAPI would parse the body as JSON:
// no Content-Type, application/json or application/*+json.
func isJSONContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	main, sub, ok := strings.Cut(mt, "/")
	return ok && main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// utf8BOM is the UTF-8 byte order mark.
const utf8BOM = "\xef\xbb\xbf"

// readBody parses the request body the way FastAPI does before running any
// dependency: malformed JSON is a 422 at once (before auth). A leading
// UTF-8 byte order mark is dropped, as Python's json.loads drops it from
// bytes (it decodes them as utf-8-sig); error offsets count from after it.
func readBody(r *Request) (body, *Response) {
	if len(r.Body) == 0 {
		return body{kind: bodyNone}, nil
	}
	if !isJSONContentType(r.Headers.Get("Content-Type")) {
		return body{kind: bodyRaw, raw: r.Body}, nil
	}
	src := bytes.TrimPrefix(r.Body, []byte(utf8BOM))
	if !utf8.Valid(src) || tooDeep(src, MaxJSONDepth) {
		return body{}, detail(http.StatusBadRequest, "There was an error parsing the body")
	}
	var raw json.RawMessage
	if err := json.Unmarshal(src, &raw); err != nil {
		return body{}, jsonInvalid(src, err)
	}
	b := body{kind: bodyJSON, raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &b.obj); err != nil {
			return body{}, jsonInvalid(src, err)
		}
	}
	return b, nil
}

// jsonInvalid is FastAPI's json_invalid item for src, which Go's decoder
// refused with err: Python's message and character offset (pyJSONError),
// or, for the few documents Python accepts (NaN, Infinity), "Expecting
// value" where Go's decoder stopped.
func jsonInvalid(src []byte, err error) *Response {
	msg, pos, ok := pyJSONError(src)
	if !ok {
		msg, pos = "Expecting value", 0
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 {
			pos = utf8.RuneCount(src[:min(int(se.Offset)-1, len(src))])
		}
	}
	return validationFailed([]ValidationError{{
		Type: "json_invalid", Loc: []any{"body", pos}, Msg: "JSON decode error",
		Input: json.RawMessage("{}"), Ctx: map[string]string{"error": msg},
	}})
}

// fields validates the fields of a body, collecting every error like
// pydantic. model selects how a whole-body problem is reported: a pydantic
// model (register, user update) or embedded Body(...) fields (reset, verify).
type fields struct {
	b     body
	model bool
	errs  []ValidationError
	// input of a "missing" item: the whole object for models, null for
	// embedded fields.
	missingInput json.RawMessage
	ok           bool // the body is an object the fields can be read from
}

func newFields(b body, model bool) *fields {
	f := &fields{b: b, model: model, missingInput: jsonNull}
	switch {
	case b.obj != nil:
		f.ok = true
		if model {
			f.missingInput = json.RawMessage(b.raw)
		}
	case !model:
		// Embedded fields of a body that is absent or not an object: each
		// field is missing.
	case b.kind == bodyNone || (b.kind == bodyJSON && string(b.raw) == "null"):
		f.errs = append(f.errs, missing("body"))
	case b.kind == bodyRaw:
		f.errs = append(f.errs, ValidationError{Type: "model_attributes_type", Loc: []any{"body"},
			Msg: "Input should be a valid dictionary or object to extract fields from", Input: rawString(string(b.raw))})
	default:
		f.errs = append(f.errs, ValidationError{Type: "model_attributes_type", Loc: []any{"body"},
			Msg: "Input should be a valid dictionary or object to extract fields from", Input: json.RawMessage(b.raw)})
	}
	return f
}

// value returns a field's raw JSON and whether the key is present.
func (f *fields) value(name string) (json.RawMessage, bool) {
	if !f.ok {
		return nil, false
	}
	v, ok := f.b.obj[name]
	return v, ok
}

func (f *fields) fail(name, typ, msg string, input json.RawMessage, ctx any) {
	f.errs = append(f.errs, ValidationError{Type: typ, Loc: []any{"body", name}, Msg: msg, Input: input, Ctx: ctx})
}

func (f *fields) required(name string) {
	if f.model && !f.ok {
		return // the whole body already failed
	}
	f.errs = append(f.errs, ValidationError{Type: "missing", Loc: []any{"body", name}, Msg: "Field required", Input: f.missingInput})
}

// str reads a string field. nullable lets null mean "not set". It returns
// nil when the field is absent, null-and-nullable or invalid.
func (f *fields) str(name string, required, nullable bool) *string {
	v, ok := f.value(name)
	if !ok {
		if required {
			f.required(name)
		}
		return nil
	}
	if string(v) == "null" && nullable {
		return nil
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		f.fail(name, "string_type", "Input should be a valid string", v, nil)
		return nil
	}
	return &s
}

// email reads an EmailStr field and returns it normalised.
func (f *fields) email(name string, required bool) *string {
	s := f.str(name, required, false)
	if s == nil {
		return nil
	}
	n, err := core.NormalizeEmail(*s)
	if err != nil {
		var inv *core.InvalidEmailError
		reason := err.Error()
		if errors.As(err, &inv) {
			reason = inv.Reason
		}
		f.fail(name, "value_error", "value is not a valid email address: "+reason, rawString(*s), map[string]string{"reason": reason})
		return nil
	}
	return &n
}

// boolean reads a bool field in pydantic's lax mode (true/false, 0/1 and
// the strings "true", "yes", "on", "1", ...). nullable lets null mean "not
// set"; otherwise null is a 422 (the reference answers 500).
func (f *fields) boolean(name string, nullable bool) *bool {
	v, ok := f.value(name)
	if !ok {
		return nil
	}
	s := string(v)
	switch s {
	case "null":
		if nullable {
			return nil
		}
	case "true", "1", "1.0":
		t := true
		return &t
	case "false", "0", "0.0":
		t := false
		return &t
	}
	if v[0] == '"' {
		var str string
		if json.Unmarshal(v, &str) == nil {
			switch strings.ToLower(str) {
			case "1", "on", "t", "true", "y", "yes":
				t := true
				return &t
			case "0", "off", "f", "false", "n", "no":
				t := false
				return &t
			}
		}
		f.fail(name, "bool_parsing", "Input should be a valid boolean, unable to interpret input", v, nil)
		return nil
	}
	if v[0] == '-' || (v[0] >= '0' && v[0] <= '9') {
		f.fail(name, "bool_parsing", "Input should be a valid boolean, unable to interpret input", v, nil)
		return nil
	}
	f.fail(name, "bool_type", "Input should be a valid boolean", v, nil)
	return nil
}

// result is the 422 response, or nil when every field was valid.
func (f *fields) result() *Response {
	if len(f.errs) == 0 {
		return nil
	}
	return validationFailed(f.errs)
}
