package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// Placeholders of the hostile table, resolved per adapter run: the ids and
// tokens differ between runs, the answers must not.
const (
	phUID        = "{uid}"        // the fixture user's id
	phUIDUpper   = "{UID}"        // the same in upper case
	phAdminID    = "{admin-id}"   // the admin's id
	phUserToken  = "{user-token}" // a token of the fixture user
	phAdminToken = "{admin-token}"
	phNoUser     = "00000000-0000-4000-8000-000000000000" // a user that does not exist
)

// hostileRequest is one row of the hostile table.
type hostileRequest struct {
	method, path string
	authz        []string // raw Authorization values, in order
	ctype        string
	body         []byte
}

func (h hostileRequest) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", h.method, clip(h.path, 80))
	for _, a := range h.authz {
		fmt.Fprintf(&b, " [Authorization: %s]", clip(a, 40))
	}
	if h.ctype != "" {
		fmt.Fprintf(&b, " [Content-Type: %s]", h.ctype)
	}
	if h.body != nil {
		fmt.Fprintf(&b, " body(%d) %q", len(h.body), clip(string(h.body), 40))
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + fmt.Sprintf("…(%d)", len(s))
	}
	return s
}

// answer is what the diff compares: status, the headers the kit sets, and
// the body with the per-run values replaced by placeholders.
type answer struct {
	Status                                  int
	ContentType, CacheControl, Allow, Retry string
	Body                                    string
}

func (a answer) String() string {
	return fmt.Sprintf("%d [Content-Type: %q] [Cache-Control: %q] [Allow: %q] [Retry-After: %q] %s",
		a.Status, a.ContentType, a.CacheControl, a.Allow, a.Retry, clip(a.Body, 400))
}

// hostileRun is one adapter's server with its fixture values.
type hostileRun struct {
	name, base                          string
	client                              *http.Client
	uid, adminID, userToken, adminToken string
}

// resolve fills the placeholders of s with this run's values.
func (r *hostileRun) resolve(s string) string {
	return strings.NewReplacer(phUID, r.uid, phUIDUpper, strings.ToUpper(r.uid), phAdminID, r.adminID,
		phUserToken, r.userToken, phAdminToken, r.adminToken).Replace(s)
}

var (
	jwtPattern  = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	uuidPattern = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	cliPattern  = regexp.MustCompile(`"(code|secret|approve_url)":"[^"]*"`)
)

// normalize replaces this run's values in an answer body by placeholders.
func (r *hostileRun) normalize(body string) string {
	body = strings.NewReplacer(r.userToken, phUserToken, r.adminToken, phAdminToken, r.uid, phUID,
		strings.ToUpper(r.uid), phUIDUpper, r.adminID, phAdminID).Replace(body)
	body = jwtPattern.ReplaceAllString(body, "<jwt>")
	body = uuidPattern.ReplaceAllString(body, "<uuid>")
	if strings.Contains(body, `"secret":`) {
		body = cliPattern.ReplaceAllString(body, `"$1":"<cli>"`)
	}
	return body
}

// do sends one row and returns the normalised answer.
func (r *hostileRun) do(ctx context.Context, h hostileRequest) (answer, error) {
	var body io.Reader
	if h.body != nil {
		body = bytes.NewReader(h.body)
	}
	req, err := http.NewRequestWithContext(ctx, h.method, r.base+r.resolve(h.path), body)
	if err != nil {
		return answer{}, err
	}
	if h.ctype != "" {
		req.Header.Set("Content-Type", h.ctype)
	}
	for _, a := range h.authz {
		req.Header.Add("Authorization", r.resolve(a))
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{
		Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), CacheControl: resp.Header.Get("Cache-Control"),
		Allow: resp.Header.Get("Allow"), Retry: resp.Header.Get("Retry-After"), Body: r.normalize(string(b)),
	}, nil
}

// startHostile serves ad on a fresh memory store with a fixture user and
// logs in the user and the admin.
func startHostile(t *testing.T, ad adapter) *hostileRun {
	svc, _, _, _ := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	r := &hostileRun{name: ad.name, base: ad.serve(t, httpapi.Config{Service: svc})}
	r.client = &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(r.client.CloseIdleConnections)
	r.uid = fetchID(t, r, "POST", "/auth/register", "", `{"email":"hostile-user@example.com","password":"hostile-password"}`, http.StatusCreated)
	r.userToken = login(t, r, "hostile-user@example.com", "hostile-password")
	r.adminToken = login(t, r, conformance.TestAdminEmail, conformance.TestAdminPassword)
	r.adminID = fetchID(t, r, "GET", "/users/me", r.adminToken, "", http.StatusOK)
	return r
}

// fetchID sends a request that answers a UserRead and returns its id.
func fetchID(t *testing.T, r *hostileRun, method, path, token, body string, want int) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, r.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", r.name, method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var u httpapi.UserRead
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil || resp.StatusCode != want || u.ID == "" {
		t.Fatalf("%s: %s %s: %d %+v %v", r.name, method, path, resp.StatusCode, u, err)
	}
	return u.ID
}

// login returns a token from the adapter's login route.
func login(t *testing.T, r *hostileRun, email, password string) string {
	t.Helper()
	form := url.Values{"username": {email}, "password": {password}}.Encode()
	resp, err := r.client.Post(r.base+"/auth/jwt/login", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatalf("%s: login: %v", r.name, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	tok := jwtPattern.FindString(string(b))
	if resp.StatusCode != http.StatusOK || tok == "" {
		t.Fatalf("%s: login %s: %d %s", r.name, email, resp.StatusCode, b)
	}
	return tok
}

// TestHostileInputIdentical sends the hostile table to the three adapters
// (each on its own fresh memory store) and requires the same status,
// Content-Type, Cache-Control, Allow, Retry-After and body from all, and no
// 5xx.
func TestHostileInputIdentical(t *testing.T) {
	t.Parallel()
	rows, known := hostileRows(), knownDifferenceRows()
	runs := make([]*hostileRun, len(adapters))
	for i, ad := range adapters {
		runs[i] = startHostile(t, ad)
	}
	same := sendAll(t, runs, rows)
	differ := 0
	for j, row := range rows {
		for i := 1; i < len(runs); i++ {
			if same[i][j] != same[0][j] {
				differ++
				t.Errorf("%s:\n  %-8s %s\n  %-8s %s", row, runs[0].name, same[0][j], runs[i].name, same[i][j])
			}
		}
	}
	t.Logf("compared %d requests × %d adapters: %d differences", len(rows), len(runs), differ)
	// The table must reach past auth and routing, or it compares little.
	statuses := map[int]int{}
	for _, a := range same[0] {
		statuses[a.Status]++
	}
	t.Logf("statuses: %v", statuses)
	for _, want := range []int{200, 204, 400, 401, 403, 404, 405, 413, 422} {
		if statuses[want] == 0 {
			t.Errorf("no request of the table answered %d: the fixtures are broken", want)
		}
	}
	diff := sendAll(t, runs, known)
	knownDiffer := 0
	for j, row := range known {
		var b strings.Builder
		agree := true
		for i, r := range runs {
			fmt.Fprintf(&b, "\n  %-8s %s", r.name, diff[i][j])
			agree = agree && diff[i][j] == diff[0][j]
		}
		if !agree {
			knownDiffer++
			t.Logf("known difference: %s:%s", row, b.String())
		}
	}
	t.Logf("router-level cases: %d requests × %d adapters, %d answered differently (logged above), none with a 5xx",
		len(known), len(runs), knownDiffer)
}

// sendAll sends every row to every run, in order per run and the runs
// side by side, and fails t on a 5xx or a failed request.
func sendAll(t *testing.T, runs []*hostileRun, rows []hostileRequest) [][]answer {
	t.Helper()
	answers := make([][]answer, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		answers[i] = make([]answer, len(rows))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, row := range rows {
				a, err := r.do(t.Context(), row)
				if err != nil {
					errs[i] = fmt.Errorf("%s: %s: %w", r.name, row, err)
					return
				}
				if a.Status >= 500 {
					t.Errorf("%s: %s → %s: server error", r.name, row, a)
				}
				answers[i][j] = a
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return answers
}
