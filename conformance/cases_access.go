package conformance

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// accessCases are fixes of the kit over the reference that a deployment
// shows from outside (FIXA*): impersonation tokens never become
// an ordinary session and end with their admin's token version, hostile
// User-Agents never reach a store as a 5xx, deep or huge JSON bodies get a
// small answer, and lookalike addresses are one account.
func accessCases() []testCase {
	return []testCase{
		{id: "FIXA1_impersonation_keeps_credentials", name: "an impersonation token of a superuser cannot change the password or email (403 Forbidden, nothing written); {} still answers 200", why: "an admin acting as a user must not be able to take the account over (change its password or address, delete it)", users: 2, fn: func(c *caseT) {
			minter := c.newUser("minter", kindS)
			target := c.newUser("target", kindS)
			imp := c.bearer(c.must(c.mint(target.ID, minter.Token), 200))
			for _, body := range []map[string]any{
				{"password": "taken-over-password"},
				{"email": c.newEmail("taken")},
				{"password": "taken-over-password", "email": c.newEmail("taken")},
			} {
				c.wantDetail(c.send("PATCH", c.p().me(), imp, body), 403, "Forbidden")
			}
			c.wantDetail(c.login(target.Email, "taken-over-password"), 400, "LOGIN_BAD_CREDENTIALS")
			c.wantMe(c.loginToken(target.Email, target.Password), target)
			c.want(c.send("PATCH", c.p().me(), imp, map[string]any{}), 200)
			c.wantDetail(c.do(request{method: "DELETE", path: c.p().user(target.ID), token: imp}), 403, "Forbidden")
			c.wantMe(imp, target)
		}},
		{id: "FIXA2_impersonation_ends_with_admin_version", name: "an impersonation token dies for good when its admin changes password, is deactivated and reactivated, or demoted and promoted again", why: "an impersonation token must not outlive the powers of the admin who minted it, even after they are restored", users: 4, fn: func(c *caseT) {
			target := c.newUser("target", kindU)
			for _, tc := range []struct {
				name string
				kill func(m *user)
			}{
				{"password change", func(m *user) {
					c.must(c.send("PATCH", c.p().me(), m.Token, map[string]any{"password": newPassword()}), 200)
				}},
				{"deactivated, reactivated", func(m *user) {
					c.patchUser(m.ID, map[string]any{"is_active": false})
					c.patchUser(m.ID, map[string]any{"is_active": true})
				}},
				{"demoted, promoted", func(m *user) {
					c.patchUser(m.ID, map[string]any{"is_superuser": false})
					c.patchUser(m.ID, map[string]any{"is_superuser": true})
				}},
			} {
				m := c.newUser("minter", kindS)
				imp := c.bearer(c.must(c.mint(target.ID, m.Token), 200))
				c.wantMe(imp, target)
				tc.kill(m)
				if r := c.get(c.p().me(), imp); r.Status != 401 {
					c.Errorf("minter %s: %s: want 401", tc.name, r)
				}
			}
		}},
		{id: "FIXA3_hostile_user_agent", name: "POST /auth/cli-login with a User-Agent holding NUL, invalid UTF-8 or 900 bytes of multi-byte characters: never a 5xx", why: "the User-Agent is stored with each CLI challenge; no header value may break a store", uses: spend{budgetCLI: 4}, fn: func(c *caseT) {
			for _, ua := range []string{"cli\x00evil", "\xff\xfe\xfd", strings.Repeat("€", 300), "ok\u202egnp.exe"} {
				status, body, err := c.rawRequest("POST", c.p().cli(), map[string]string{"User-Agent": ua, "Content-Length": "0"})
				if err != nil {
					c.Errorf("User-Agent %+q: %v", ua, err)
					continue
				}
				switch {
				case status >= 500:
					c.Errorf("User-Agent %+q: %d %s: a server error", ua, status, snippet(body))
				case status == 200:
					var created struct{ Code, Secret string }
					if json.Unmarshal(body, &created) != nil || created.Code == "" {
						c.Errorf("User-Agent %+q: 200 %s: not a CLI challenge", ua, snippet(body))
					}
				case status != 400:
					c.Errorf("User-Agent %+q: %d %s: want 200, or 400 from an HTTP server that refuses the header", ua, status, snippet(body))
				}
			}
		}},
		{id: "FIXA4_json_depth_and_echo", name: "a register body nested 10,000 deep is a small 400, and a 100 KB invalid value is not echoed whole in the 422", why: "deep or huge bodies must not cost the server memory or echo back megabytes", fn: func(c *caseT) {
			deep := `{"email":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `,"password":"` + newPassword() + `"}`
			r := c.send("POST", c.p().register(), "", deep)
			c.wantDetail(r, 400, "There was an error parsing the body")
			big := strings.Repeat("x", 100_000)
			r = c.send("POST", c.p().register(), "", map[string]any{"email": []string{big}, "password": big})
			if c.want(r, 422) && len(r.Body) > 8<<10 {
				c.Errorf("%s: %d bytes echo a 200 KB body, want a bounded answer", r.desc, len(r.Body))
			}
		}},
		{id: "FIXA5_lookalike_addresses", name: "an address is one account whatever its case or Unicode spelling (é composed, decomposed, É; K and the Kelvin sign): 400 REGISTER_USER_ALREADY_EXISTS, and each spelling logs in to it", why: "one person, one account: lookalike spellings must not create a second account or miss the first", uses: spend{budgetRegister: 6}, fn: func(c *caseT) {
			tag := c.newEmail("")
			tag = tag[:strings.IndexByte(tag, '@')] // conf-<random>-
			for _, group := range [][]string{
				{tag + "e\u0301mile@example.com", tag + "\u00e9mile@example.com", tag + "\u00c9MILE@example.com"},
				{tag + "kelly@example.com", tag + "\u212Aelly@example.com", strings.ToUpper(tag) + "KELLY@EXAMPLE.COM"},
			} {
				password := newPassword()
				_, u := c.registerNew(map[string]any{"email": group[0], "password": password})
				if strings.ContainsRune(group[0], '\u0301') && strings.ContainsRune(u.Email, '\u0301') {
					c.Errorf("%+q stored as %+q: want the local part in NFC", group[0], u.Email)
				}
				for _, email := range group[1:] {
					r := c.register(email, newPassword())
					if r.Status == 201 {
						c.deleteLater(c.userRead(r).ID)
					}
					c.wantDetail(r, 400, "REGISTER_USER_ALREADY_EXISTS")
					if me := c.me(c.loginToken(email, password)); me.ID != u.ID {
						c.Errorf("login as %+q reached %s, want %s", email, me.ID, u.ID)
					}
				}
			}
		}},
	}
}

// rawRequest sends one HTTP/1.1 request written by hand, so that header
// values net/http's client refuses to send (a NUL byte) reach the server,
// and returns the status and body. The connection is closed afterwards. It
// draws on the suite's budgets like any request.
func (c *caseT) rawRequest(method, path string, header map[string]string) (int, []byte, error) {
	req := request{method: method, path: path}
	b := c.s.budgetOf(req)
	if b >= 0 {
		if err := c.s.meter.acquire(c.Context(), b, 1); err != nil {
			return 0, nil, err
		}
		c.count(b, 1, false)
	}
	status, body, err := c.sendRaw(method, path, header)
	if b >= 0 && err == nil && !counted(b, req, &response{Status: status, Body: body}) {
		c.s.meter.refund(b)
		c.count(b, -1, false)
	}
	return status, body, err
}

// sendRaw is rawRequest without the budgets.
func (c *caseT) sendRaw(method, path string, header map[string]string) (int, []byte, error) {
	base, err := url.Parse(c.s.t.BaseURL)
	if err != nil {
		return 0, nil, err
	}
	host := base.Host
	if base.Port() == "" {
		host = net.JoinHostPort(base.Hostname(), map[bool]string{true: "443", false: "80"}[base.Scheme == "https"])
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Context()), requestTimeout)
	defer cancel()
	var conn net.Conn
	if base.Scheme == "https" {
		conn, err = (&tls.Dialer{Config: &tls.Config{ServerName: base.Hostname()}}).DialContext(ctx, "tcp", host)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", host)
	}
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = conn.Close() }()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, strings.TrimSuffix(base.Path, "/")+path, base.Host)
	for k, v := range header {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return 0, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil && !isClosed(err) {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// isClosed reports whether err only says the server closed the connection
// after its answer.
func isClosed(err error) bool {
	return err == io.ErrUnexpectedEOF || strings.Contains(err.Error(), "closed") || strings.Contains(err.Error(), "reset")
}
