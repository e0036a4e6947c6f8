package conformance

import (
	"encoding/json"
	"strings"
)

// wantJSONInvalid checks that r is one json_invalid item at ["body", pos]
// whose ctx.error is msg.
func (c *caseT) wantJSONInvalid(r *response, pos int, msg string) {
	c.Helper()
	items := c.want422(r, []any{"body", pos})
	if len(items) != 1 || items[0].Type != "json_invalid" {
		c.Errorf("%s: want one json_invalid item", r)
		return
	}
	var ctx struct{ Error string }
	if json.Unmarshal(items[0].Ctx, &ctx) != nil || ctx.Error != msg {
		c.Errorf("%s: ctx %s, want error %q", r, items[0].Ctx, msg)
	}
}

// wireExtraCases pin what the reference's libraries do with request bytes
// and how they word a refusal (FastAPI over Python's json module, pydantic
// 2.12).
func wireExtraCases() []testCase {
	return []testCase{
		{id: "X8_json_bom", name: "a JSON body that starts with a UTF-8 byte order mark is read as if the mark were absent", why: "clients (Windows tools among them) that prefix JSON with a byte order mark work as against the reference", uses: spend{budgetRegister: 1}, fn: func(c *caseT) {
			email := c.newEmail("bom")
			body, _ := json.Marshal(map[string]any{"email": email, "password": newPassword()})
			r := c.must(c.send("POST", c.p().register(), "", append([]byte("\xef\xbb\xbf"), body...)), 201)
			u := c.userRead(r)
			c.deleteLater(u.ID)
			if !sameEmail(u.Email, email) {
				c.Errorf("%s: email %q, want %q", r, u.Email, email)
			}
			// Offsets of a malformed body count from after the mark; the mark
			// alone is an empty document.
			c.wantJSONInvalid(c.send("POST", c.p().register(), "", "\xef\xbb\xbf{\"email\":"), 9, "Expecting value")
			c.wantJSONInvalid(c.send("POST", c.p().register(), "", "\xef\xbb\xbf"), 0, "Expecting value")
		}},
		{id: "X9_validation_texts", name: "422 texts as pydantic 2.12 and Python's json module word them: a non-UUID admin path, truncated JSON objects", why: "clients that show or match the reference's 422 texts see the same words", users: 1, fn: func(c *caseT) {
			const reason = "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"
			items := c.want422(c.mint("not-a-uuid", c.adminToken()), []any{"path", "user_id"})
			if len(items) == 1 {
				var ctx struct{ Error string }
				_ = json.Unmarshal(items[0].Ctx, &ctx)
				if items[0].Msg != "Input should be a valid UUID, "+reason || ctx.Error != reason {
					c.Errorf("mint not-a-uuid: msg %q, ctx %s; want %q", items[0].Msg, items[0].Ctx, "Input should be a valid UUID, "+reason)
				}
			}
			// pydantic's "urn:uuid:" prefix is lower case only.
			u := c.newUser("u", kindU)
			c.want422(c.mint("URN:UUID:"+u.ID, c.adminToken()), []any{"path", "user_id"})
			c.must(c.mint("urn:uuid:"+strings.ToUpper(u.ID), c.adminToken()), 200)
			for _, tc := range []struct {
				body string
				pos  int
				msg  string
			}{
				{`{"email": "x@example.com",`, 26, "Expecting property name enclosed in double quotes"},
				{`{"email": "x@example.com", "password": "p"`, 42, "Expecting ',' delimiter"},
				{`{"email"`, 8, "Expecting ':' delimiter"},
				{`{"email": "x@example.com`, 10, "Unterminated string starting at"},
				{`nope`, 0, "Expecting value"},
			} {
				c.wantJSONInvalid(c.send("POST", c.p().register(), "", tc.body), tc.pos, tc.msg)
			}
		}},
	}
}
