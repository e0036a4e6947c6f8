package fleet_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// pythonEnv names a Python interpreter to use instead of searching for one.
const pythonEnv = "ZNDRAW_AUTH_TEST_PYTHON"

// pyEnv is what testdata/pyjwt_ref.py reports about its environment.
type pyEnv struct {
	PyJWT      string `json:"pyjwt"`
	IatChecked bool   `json:"iat_checked"`
	Argon2     bool   `json:"argon2"`
}

// pyRef runs testdata/pyjwt_ref.py: what a zndraw-auth service does with
// JWTs, with the system's PyJWT.
type pyRef struct {
	python string
	env    pyEnv
}

// findPython returns an interpreter that can import jwt: $ZNDRAW_AUTH_TEST_PYTHON,
// python3 on PATH, or /usr/bin/python3 (where Debian's python3-jwt goes). It
// skips t when there is none, or when that PyJWT does not check iat.
func findPython(t *testing.T) *pyRef {
	t.Helper()
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv(pythonEnv); p != "" {
		candidates = []string{p}
	}
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import jwt").Run() != nil {
			continue
		}
		r := &pyRef{python: path}
		out := r.run(t, []any{})
		if err := json.Unmarshal(out[0], &r.env); err != nil {
			t.Fatalf("pyjwt_ref.py: %v", err)
		}
		if !r.env.IatChecked {
			t.Skipf("%s has PyJWT %s, which does not refuse a future iat: nothing to check", path, r.env.PyJWT)
		}
		t.Logf("reference: %s, PyJWT %s", path, r.env.PyJWT)
		return r
	}
	t.Skipf("no python3 with PyJWT found (apt-get install python3-jwt, or set %s)", pythonEnv)
	return nil
}

// run feeds ops to the script and returns its output lines: the
// environment line, then one result per op.
func (r *pyRef) run(t *testing.T, ops []any) []json.RawMessage {
	t.Helper()
	in, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), r.python, "testdata/pyjwt_ref.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pyjwt_ref.py: %v\n%s", err, stderr.String())
	}
	var lines []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, json.RawMessage(bytes.Clone(sc.Bytes())))
	}
	if len(lines) != len(ops)+1 {
		t.Fatalf("pyjwt_ref.py answered %d lines for %d ops:\n%s", len(lines), len(ops), out)
	}
	return lines
}

// decodeResult is the answer to a "decode" op.
type decodeResult struct {
	OK      bool           `json:"ok"`
	Error   string         `json:"error"`
	Payload map[string]any `json:"payload"`
}

// decodeOp is fastapi-users' decode_jwt of token on a host whose clock
// reads now; access adds JWTStrategy.read_token's check of sub.
func decodeOp(token, secret string, audience []string, now time.Time, access bool) map[string]any {
	return map[string]any{"op": "decode", "token": token, "secret": secret, "audience": audience,
		"now": unixFloat(now), "access": access}
}

// results runs ops and returns their results in order.
func (r *pyRef) results(t *testing.T, ops []map[string]any) []json.RawMessage {
	t.Helper()
	all := make([]any, len(ops))
	for i, op := range ops {
		all[i] = op
	}
	return r.run(t, all)[1:]
}

// decode runs decode ops and returns their results in order.
func (r *pyRef) decode(t *testing.T, ops []map[string]any) []decodeResult {
	t.Helper()
	lines := r.results(t, ops)
	res := make([]decodeResult, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal(l, &res[i]); err != nil {
			t.Fatalf("decode result %s: %v", l, err)
		}
	}
	return res
}

// tokens runs ops that answer {"token": ...} (or {"hash": ...}) and
// returns those strings in order.
func (r *pyRef) tokens(t *testing.T, ops ...map[string]any) []string {
	t.Helper()
	lines := r.results(t, ops)
	out := make([]string, len(lines))
	for i, l := range lines {
		var v struct{ Token, Hash string }
		if err := json.Unmarshal(l, &v); err != nil {
			t.Fatalf("result %s: %v", l, err)
		}
		out[i] = v.Token + v.Hash
	}
	return out
}

// unixFloat is t as Python's datetime.timestamp() gives it.
func unixFloat(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}
