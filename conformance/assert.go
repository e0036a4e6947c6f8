package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// must stops the case unless r has status want.
func (c *caseT) must(r *response, want int) *response {
	c.Helper()
	if r.Status != want {
		c.Fatalf("%s: want status %d", r, want)
	}
	return r
}

// want reports a failure unless r has status want.
func (c *caseT) want(r *response, want int) bool {
	c.Helper()
	if r.Status != want {
		c.Errorf("%s: want status %d", r, want)
		return false
	}
	return true
}

// wantBody reports a failure unless r has status want and exactly body.
func (c *caseT) wantBody(r *response, status int, body string) {
	c.Helper()
	if r.Status != status || string(r.Body) != body {
		c.Errorf("%s: want %d %s", r, status, body)
	}
}

// wantDetail reports a failure unless r is status with the body
// {"detail":"<detail>"} exactly.
func (c *caseT) wantDetail(r *response, status int, detail string) {
	c.Helper()
	c.wantBody(r, status, detailBody(detail))
}

func detailBody(detail string) string {
	b, _ := json.Marshal(map[string]string{"detail": detail})
	return string(b)
}

// wantInvalidPassword reports a failure unless r is 400
// {"detail":{"code":code,"reason":<non-empty string>}} in that key order.
func (c *caseT) wantInvalidPassword(r *response, code string) {
	c.Helper()
	if !c.want(r, 400) {
		return
	}
	var v struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		c.Errorf("%s: %v", r, err)
		return
	}
	if keys, err := objectKeys(v.Detail); err != nil || !slices.Equal(keys, []string{"code", "reason"}) {
		c.Errorf("%s: detail must be {\"code\",\"reason\"} (got keys %v, %v)", r, keys, err)
		return
	}
	var d struct {
		Code   string `json:"code"`
		Reason any    `json:"reason"`
	}
	_ = json.Unmarshal(v.Detail, &d)
	reason, ok := d.Reason.(string)
	if d.Code != code || !ok || reason == "" {
		c.Errorf("%s: want code %s and a non-empty string reason", r, code)
	}
}

// objectKeys returns the keys of the JSON object b in document order.
func objectKeys(b []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// wantKeys reports a failure unless the JSON object b has exactly keys, in
// that order.
func (c *caseT) wantKeys(what string, b []byte, keys ...string) bool {
	c.Helper()
	got, err := objectKeys(b)
	if err != nil || !slices.Equal(got, keys) {
		c.Errorf("%s: want the keys %v in this order, got %v (%v) in %s", what, keys, got, err, snippet(b))
		return false
	}
	return true
}

// userRead is fastapi-users' UserRead.
type userRead struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	IsActive    bool   `json:"is_active"`
	IsSuperuser bool   `json:"is_superuser"`
	IsVerified  bool   `json:"is_verified"`
}

var userReadKeys = []string{"id", "email", "is_active", "is_superuser", "is_verified"}

// userRead decodes a UserRead body, checking its exact keys and order (so no
// hashed_password or password), and stops the case if it is not one.
func (c *caseT) userRead(r *response) userRead {
	c.Helper()
	return c.userReadJSON(r.String(), r.Body)
}

func (c *caseT) userReadJSON(what string, b []byte) userRead {
	c.Helper()
	if !c.wantKeys(what, b, userReadKeys...) {
		c.Fatalf("%s: not a UserRead", what)
	}
	var u userRead
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		c.Fatalf("%s: not a UserRead: %v", what, err)
	}
	if !uuidPattern.MatchString(u.ID) {
		c.Errorf("%s: id %q is not a lowercase hyphenated UUID", what, u.ID)
	}
	return u
}

// validationItem is one item of a 422 body.
type validationItem struct {
	Type  string          `json:"type"`
	Loc   []any           `json:"loc"`
	Msg   string          `json:"msg"`
	Input json.RawMessage `json:"input"`
	Ctx   json.RawMessage `json:"ctx"`
}

// validationItems checks FastAPI's 422 shape,
// {"detail":[{"type","loc","msg","input"[,"ctx"]},...]}, and returns the items.
func validationItems(b []byte) ([]validationItem, error) {
	if keys, err := objectKeys(b); err != nil || !slices.Equal(keys, []string{"detail"}) {
		return nil, fmt.Errorf("want an object with only \"detail\", got keys %v (%v)", keys, err)
	}
	var v struct {
		Detail []json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("detail is not a list: %w", err)
	}
	if len(v.Detail) == 0 {
		return nil, errors.New("detail is an empty list")
	}
	items := make([]validationItem, 0, len(v.Detail))
	for i, raw := range v.Detail {
		keys, err := objectKeys(raw)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		if len(keys) < 4 || !slices.Equal(keys[:4], []string{"type", "loc", "msg", "input"}) ||
			(len(keys) == 5 && keys[4] != "ctx") || len(keys) > 5 {
			return nil, fmt.Errorf("item %d: want the keys type, loc, msg, input[, ctx], got %v", i, keys)
		}
		var it validationItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		if it.Type == "" || it.Msg == "" || len(it.Loc) == 0 {
			return nil, fmt.Errorf("item %d: empty type, msg or loc", i)
		}
		for _, l := range it.Loc {
			switch l.(type) {
			case string, float64:
			default:
				return nil, fmt.Errorf("item %d: loc element %v is neither a string nor a number", i, l)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// want422 reports a failure unless r is a 422 with an item at each of locs
// (e.g. []any{"body","email"}); it returns the items.
func (c *caseT) want422(r *response, locs ...[]any) []validationItem {
	c.Helper()
	if !c.want(r, 422) {
		return nil
	}
	items, err := validationItems(r.Body)
	if err != nil {
		return nil // reported by the invariants
	}
	for _, want := range locs {
		w, _ := json.Marshal(want)
		found := false
		for _, it := range items {
			if g, _ := json.Marshal(it.Loc); bytes.Equal(g, w) {
				found = true
			}
		}
		if !found {
			c.Errorf("%s: want an item at loc %s", r, w)
		}
	}
	return items
}

// decodeInto unmarshals b into v and reports whether it worked.
func decodeInto(b []byte, v any) bool { return json.Unmarshal(b, v) == nil }

// sameEmail compares addresses the way the kit looks them up (the domain
// is stored lowercased; lookups ignore case).
func sameEmail(a, b string) bool { return strings.EqualFold(a, b) }
