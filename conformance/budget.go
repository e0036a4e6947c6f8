package conformance

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// budget is one per-address rate limit the suite's own requests draw on.
//
// A new per-address limit of the server becomes a budget by a constant
// here and a row in budgets (its route, setting, window and the Limits
// field, added to core.RateLimitSettings and limitKeys); cases that send
// its requests from the suite's address declare how many in testCase.uses,
// which TestDeclaredCosts checks, and TestProductionDefaults compares the
// suite's count with the server's counter (counterKeys). A case that must
// exceed a per-address limit sends from a made-up address (request.from,
// needForwarded) and draws on no budget; limits per user, per account or
// per challenge need no budget, only needLimits.
type budget int

const (
	budgetLogin budget = iota
	budgetRegister
	budgetForgot
	budgetVerify
	budgetCLI
	budgetReset
	budgetEmail
	budgetCode
	numBudgets
)

// spend counts requests per budget.
type spend [numBudgets]int

// plus adds o to s.
func (s spend) plus(o spend) spend {
	for b := range s {
		s[b] += o[b]
	}
	return s
}

// budgetSpec describes a budget: the requests that draw on it, the server
// setting that sets it and its window.
type budgetSpec struct {
	name    string // short name in reports
	what    string // what one unit is, plural
	setting string // the server's setting
	window  time.Duration
	limit   func(Limits) int
	// draws reports whether a request of the suite's own address draws on
	// the budget.
	draws func(p paths, req request) bool
	// counted reports whether the server counted such a request, from its
	// answer (nil: unless the answer came before the limit, see
	// uncounted).
	counted func(req request, r *response) bool
	// paced budgets have windows short enough to wait for: the suite
	// spaces its requests instead of skipping cases.
	paced bool
}

// post draws on a budget with every POST to the path route gives.
func post(route func(paths) string) func(paths, request) bool {
	return func(p paths, req request) bool { return req.method == "POST" && req.path == route(p) }
}

var budgets = [numBudgets]budgetSpec{
	budgetLogin: {name: "login", what: "logins", setting: "ZNDRAW_AUTH_RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE",
		window: time.Minute, limit: func(l Limits) int { return l.LoginPerIPPerMinute }, draws: post(paths.login), paced: true},
	budgetRegister: {name: "register", what: "registrations", setting: "ZNDRAW_AUTH_RATE_LIMIT_REGISTER_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.RegisterPerIPPerHour }, draws: post(paths.register)},
	budgetForgot: {name: "forgot-password", what: "forgot-password requests", setting: "ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.ForgotPasswordPerIPPerHour }, draws: post(paths.forgot)},
	budgetVerify: {name: "request-verify-token", what: "request-verify-token requests", setting: "ZNDRAW_AUTH_RATE_LIMIT_FORGOT_PASSWORD_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.ForgotPasswordPerIPPerHour }, draws: post(paths.requestVerify)},
	budgetCLI: {name: "cli-login", what: "CLI login challenges", setting: "ZNDRAW_AUTH_RATE_LIMIT_CLI_LOGIN_CREATE_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.CLILoginCreatePerIPPerHour }, draws: post(paths.cli)},
	budgetReset: {name: "reset-password", what: "reset-password requests", setting: "ZNDRAW_AUTH_RATE_LIMIT_RESET_PASSWORD_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.ResetPasswordPerIPPerHour }, draws: post(paths.reset)},
	budgetEmail: {name: "email-change", what: "email changes", setting: "ZNDRAW_AUTH_RATE_LIMIT_EMAIL_CHANGES_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.EmailChangesPerIPPerHour },
		draws: func(p paths, req request) bool {
			var v struct{ Email *string }
			return req.method == "PATCH" && req.path == p.me() && decodeInto(req.body, &v) && v.Email != nil
		}},
	budgetCode: {name: "cli-code", what: "CLI codes that match nothing", setting: "ZNDRAW_AUTH_RATE_LIMIT_CLI_CODE_FAILURES_PER_IP_PER_HOUR",
		window: time.Hour, limit: func(l Limits) int { return l.CLICodeFailuresPerIPPerHour },
		draws: func(p paths, req request) bool {
			return (req.method == "PATCH" || req.method == "DELETE") && req.token != "" &&
				strings.HasPrefix(req.path, p.CLILogin+"/") && !strings.Contains(req.path, "?")
		},
		// Only a code that matched nothing counts (and a refusal).
		counted: func(_ request, r *response) bool { return r.Status == 404 || r.Status == 429 }},
}

// BudgetUse is what one run took from one per-address limit of the server,
// from the address the suite connects from.
type BudgetUse struct {
	// Name is the limit's short name (login, register, forgot-password,
	// request-verify-token, cli-login, reset-password, email-change,
	// cli-code).
	Name string `json:"name"`
	// Setting is the server setting of the limit.
	Setting string `json:"setting"`
	// Limit is the limit the suite assumed (requests per Window); 0 when the
	// limits are off.
	Limit int `json:"limit"`
	// WindowSeconds is the length of the limit's window.
	WindowSeconds int `json:"window_seconds"`
	// Allowed is what the suite allowed itself in one window: half of Limit
	// (0 when limits are off: unbounded).
	Allowed int `json:"allowed"`
	// Used is the number of requests the run sent that the server counts
	// against the limit.
	Used int `json:"used"`
	// Peak is the most requests in any one window of the limit's length.
	Peak int `json:"peak"`
}

// errBudget stops a request that would take more than the suite allows
// itself.
type errBudget struct{ msg string }

func (e errBudget) Error() string { return e.msg }

// meter counts the suite's own requests against the per-address limits,
// spaces the paced ones and refuses those that would take more than half
// a limit.
type meter struct {
	s *suite

	mu      sync.Mutex
	used    spend
	peak    spend
	times   [numBudgets][]time.Time // send times of the current window (paced budgets)
	refused [numBudgets]string      // set when the server answered 429 although the budget was not spent
}

// on reports whether the limits are on.
func (m *meter) on() bool { return m.s.limits.Enabled }

// allowed is what the suite allows itself of b in one window; -1 means no
// bound (limits off, or a limit of 0, which the kit treats as off).
func (m *meter) allowed(b budget) int {
	lim := budgets[b].limit(m.s.limits)
	if !m.on() || lim <= 0 {
		return -1
	}
	return lim / 2
}

// left is what remains of b this run (-1: unbounded). Paced budgets are
// never short: the suite waits for them.
func (m *meter) left(b budget) int {
	a := m.allowed(b)
	if a < 0 || budgets[b].paced {
		return -1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return max(a-m.used[b], 0)
}

// acquire takes n of b before requests are sent: it waits while a paced
// budget's window is full and refuses what would overdraw a planned one.
func (m *meter) acquire(ctx context.Context, b budget, n int) error {
	spec := budgets[b]
	a := m.allowed(b)
	for {
		m.mu.Lock()
		if r := m.refused[b]; r != "" {
			m.mu.Unlock()
			return errBudget{r}
		}
		now := m.s.now()
		if spec.paced {
			// A sliding window one second longer than the server's
			// fixed one keeps every fixed window within the allowance.
			cut := now.Add(-spec.window - time.Second)
			ts := m.times[b]
			for len(ts) > 0 && !ts[0].After(cut) {
				ts = ts[1:]
			}
			m.times[b] = ts
			if a >= 0 && len(ts)+n > a {
				if n > a {
					m.mu.Unlock()
					return errBudget{fmt.Sprintf("%d %s at once are more than the %d a minute the suite allows itself (half of %s)", n, spec.what, a, spec.setting)}
				}
				wait := ts[len(ts)+n-a-1].Sub(cut)
				m.mu.Unlock()
				if err := m.s.sleep(ctx, wait); err != nil {
					return err
				}
				continue
			}
			for range n {
				m.times[b] = append(m.times[b], now)
			}
			m.peak[b] = max(m.peak[b], len(m.times[b]))
		} else if a >= 0 && m.used[b]+n > a {
			used := m.used[b]
			m.mu.Unlock()
			return errBudget{fmt.Sprintf("%d more %s would exceed the suite's allowance of %d this run (%d used; half of the server's %s=%d)",
				n, spec.what, a, used, spec.setting, spec.limit(m.s.limits))}
		}
		m.used[b] += n
		if !spec.paced {
			m.peak[b] = m.used[b]
		}
		m.mu.Unlock()
		return nil
	}
}

// refund gives back one request of b that the server did not count (it
// was refused before the limit was applied).
func (m *meter) refund(b budget) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.used[b]--
	if budgets[b].paced && len(m.times[b]) > 0 {
		m.times[b] = m.times[b][:len(m.times[b])-1]
	} else if !budgets[b].paced {
		m.peak[b] = m.used[b]
	}
}

// refuse records that the server answered 429 to one of the suite's own
// requests of b: the address's budget was spent by others (an earlier run,
// other clients behind the same address), so the suite stops drawing on it.
func (m *meter) refuse(b budget, r *response) string {
	spec := budgets[b]
	msg := fmt.Sprintf("the server refused %s from this address (%s): an earlier run or other clients behind the same address used its %s budget; wait for the window to end (Retry-After %s s)",
		spec.what, r, spec.setting, r.Header.Get("Retry-After"))
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.refused[b] == "" {
		m.refused[b] = msg
	}
	return m.refused[b]
}

// uses reports the run's consumption.
func (m *meter) uses() []BudgetUse {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]BudgetUse, 0, numBudgets)
	for b, spec := range budgets {
		u := BudgetUse{Name: spec.name, Setting: spec.setting, WindowSeconds: int(spec.window / time.Second),
			Used: m.used[b], Peak: m.peak[b]}
		if m.on() {
			u.Limit = spec.limit(m.s.limits)
			u.Allowed = max(u.Limit/2, 0)
		}
		out = append(out, u)
	}
	return out
}

// budgetOf names the budget a request of the suite's own address draws
// on, or -1.
func (s *suite) budgetOf(req request) budget {
	if req.from != "" {
		return -1
	}
	p := paths{s.t.Prefixes}
	for b, spec := range budgets {
		if spec.draws(p, req) {
			return budget(b)
		}
	}
	return -1
}

// counted reports whether the server counted req against b, given its
// answer r.
func counted(b budget, req request, r *response) bool {
	if f := budgets[b].counted; f != nil {
		return f(req, r)
	}
	return !uncounted(req, r)
}

// uncounted reports whether an answer came before the server applied its
// limit, so the request did not count: the request could not be read
// (FastAPI's 400 "There was an error parsing the body", 413, 422), the
// caller may not make it (401, 403), the route does not take it (404,
// 405), or the store was down (503 during an outage: the counter itself
// could not be written).
func uncounted(req request, r *response) bool {
	switch r.Status {
	case 401, 403, 404, 405, 413, 422:
		return true
	case 400:
		return string(r.Body) == detailBody("There was an error parsing the body")
	case 503:
		return req.outage
	}
	return false
}
