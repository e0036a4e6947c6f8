package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// pyUUIDCases are path values with pydantic 2.12's verdict: "" for a UUID
// it accepts, else the error text of its uuid_parsing item (the Rust uuid
// crate's). TestPyUUIDCasesAgainstPydantic checks them against the
// pydantic at hand.
var pyUUIDCases = []struct{ in, err string }{
	{"not-a-uuid", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"},
	{"", "invalid length: expected length 32 for simple format, found 0"},
	{"x", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1"},
	{"123", "invalid length: expected length 32 for simple format, found 3"},
	{"me", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `m` at 1"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c8", ""},
	{"67e5504410b1426f9247bb680e5fe0c8", ""},
	{"{67e55044-10b1-426f-9247-bb680e5fe0c8}", ""},
	{"urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8", ""},
	{"URN:UUID:67e55044-10b1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `U` at 1"},
	{"67E55044-10B1-426F-9247-BB680E5FE0C8", ""},
	{"urn:uuid:67E55044-10B1-426F-9247-BB680E5FE0C8", ""},
	{"{67E55044-10B1-426F-9247-BB680E5FE0C8}", ""},
	{"67e55044-10b1-426f-9247-bb680e5fe0c80", "invalid group length in group 4: expected 12, found 13"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c", "invalid group length in group 4: expected 12, found 11"},
	{"67e5504410b1426f9247bb680e5fe0c", "invalid length: expected length 32 for simple format, found 31"},
	{"67e5504410b1426f9247bb680e5fe0c80", "invalid length: expected length 32 for simple format, found 33"},
	{"67e5504410b1-426f-9247-bb680e5fe0c8", "invalid group count: expected 5, found 4"},
	{"67e550441-10b1-426f-9247-bb680e5fe0c8", "invalid group length in group 0: expected 8, found 9"},
	{"67e5504-410b1-426f-9247-bb680e5fe0c8", "invalid group length in group 0: expected 8, found 7"},
	{"{67e550441-10b1-426f-9247-bb680e5fe0c8}", "invalid group length in group 0: expected 8, found 9"},
	{"urn:uuid:67e550441-10b1-426f-9247-bb680e5fe0c8", "invalid group length in group 0: expected 8, found 9"},
	{"urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8a", "invalid group length in group 4: expected 12, found 22"},
	{"{67e55044-10b1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{` at 1"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c8}", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `}` at 37"},
	{"{}", "invalid group count: expected 5, found 1"},
	{"{abc}", "invalid group count: expected 5, found 1"},
	{"{", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{` at 1"},
	{"urn:uuid:", "invalid group count: expected 5, found 1"},
	{"urn:uuid:abc", "invalid group count: expected 5, found 1"},
	{"g7e55044-10b1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `g` at 1"},
	{"é7e55044-10b1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 1"},
	{"67e55044-1éb1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `é` at 11"},
	{"日本", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `日` at 1"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c8-", "invalid group count: expected 5, found 6"},
	{"--------", "invalid group count: expected 5, found 9"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c8aa", "invalid group length in group 4: expected 12, found 14"},
	{" 67e55044-10b1-426f-9247-bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found ` ` at 1"},
	{"67e55044-10b1-426f-9247-bb680e5fe0c8 ", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found ` ` at 37"},
	{"{67e5504410b1426f9247bb680e5fe0c8}", "invalid group count: expected 5, found 1"},
	{"urn:uuid:67e5504410b1426f9247bb680e5fe0c8", "invalid group count: expected 5, found 1"},
	{"67e55044_10b1_426f_9247_bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `_` at 9"},
	{"00000000-0000-0000-0000-000000000000", ""},
	{"F9168C5E-CEB2-4faa-B6BF-329BF39FA1E4", ""},
	{"67e550-4105b1426f9247bb680e5fe0c", "invalid group count: expected 5, found 2"},
	{"F9168C5E-CEB2-4faa-B6BF1-02BF39FA1E4", "invalid group length in group 3: expected 4, found 5"},
	{"F9168C5E-CEB-24fa-eB6BFF32-BF39FA1E4", "invalid group length in group 1: expected 4, found 3"},
	{"01020304-1112-2122-3132-41424344", "invalid group length in group 4: expected 12, found 8"},
	{"{F9168C5E-CEB2-4faa9B6BFF329BF39FA1E41", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{` at 1"},
	{"F9168C5E-CEB2-4faa-BGBF-329BF39FA1E4", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `G` at 21"},
	{"67e5504410b1426%9247bb680e5fe0c8", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%` at 16"},
	{"{00000000000000000000000000000000}", "invalid group count: expected 5, found 1"},
	{"231231212212423424324323477343246663", "invalid length: expected length 32 for simple format, found 36"},
	{"67e5504410b1426f9247bb680e5fe0c8-", "invalid group count: expected 5, found 2"},
	{"000000000000000000000000000000000", "invalid length: expected length 32 for simple format, found 33"},
}

func TestParseUUIDLikePydantic(t *testing.T) {
	for _, c := range pyUUIDCases {
		id, reason := parseUUIDLikePydantic(c.in)
		if reason != c.err {
			t.Errorf("parseUUIDLikePydantic(%q) = %q, want %q", c.in, reason, c.err)
			continue
		}
		if c.err == "" {
			want := strings.ToLower(strings.Trim(strings.TrimPrefix(c.in, "urn:uuid:"), "{}"))
			if want = strings.ReplaceAll(want, "-", ""); strings.ReplaceAll(id.String(), "-", "") != want {
				t.Errorf("parseUUIDLikePydantic(%q) = %s", c.in, id)
			}
		} else if id != uuid.Nil {
			t.Errorf("parseUUIDLikePydantic(%q) = %s with an error", c.in, id)
		}
	}
}

// TestPyUUIDCasesAgainstPydantic runs the table through the pydantic at
// hand, if python3 has one. pydantic 2.13 (a newer uuid crate) shortened
// the text of an invalid character to "invalid character: found ..."; the
// comparison allows for that, so the checks and offsets are what is
// compared there.
func TestPyUUIDCasesAgainstPydantic(t *testing.T) {
	const script = `
import json, sys, uuid
import pydantic
from pydantic import TypeAdapter, ValidationError
ta = TypeAdapter(uuid.UUID)
print(json.dumps(pydantic.VERSION))
for s in json.load(sys.stdin):
    try:
        ta.validate_python(s)
        print(json.dumps(""))
    except ValidationError as e:
        print(json.dumps(e.errors()[0]["ctx"]["error"]))
`
	var ins []string
	for _, c := range pyUUIDCases {
		ins = append(ins, c.in)
	}
	lines := runPython(t, "pydantic", script, ins)
	if len(lines) != len(ins)+1 {
		t.Fatalf("python3 answered %d lines for %d inputs", len(lines), len(ins))
	}
	t.Logf("pydantic %s", lines[0])
	const long = "expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], "
	for i, l := range lines[1:] {
		var got string
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatal(err)
		}
		if want := strings.Replace(pyUUIDCases[i].err, long, "", 1); strings.Replace(got, long, "", 1) != want {
			t.Errorf("pydantic on %q: %q, the table says %q", ins[i], got, pyUUIDCases[i].err)
		}
	}
}
