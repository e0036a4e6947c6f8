package conformance_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// TestLimitCases runs the limit cases against a server with the default
// rate limits on, as a deployment has them: every one of them runs, and
// passes.
func TestLimitCases(t *testing.T) {
	settings := core.DefaultSettings()
	settings.SecretKey = "limit-cases-access-secret-0123456789abcdef"
	settings.ResetPasswordTokenSecret = "limit-cases-reset-secret-0123456789abcdef"
	settings.VerificationTokenSecret = "limit-cases-verify-secret-0123456789abcde"
	settings.DefaultAdminEmail = conformance.TestAdminEmail
	settings.DefaultAdminPassword = conformance.TestAdminPassword
	mailbox := conformance.NewMemoryMailbox()
	clock := conformance.NewManualClock(time.Now())
	svc, err := core.New(memstore.New(), settings, core.WithHasher(password.New(password.TestParams)), core.WithClock(clock),
		core.WithHooks(mailbox.Hooks()), core.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.EnsureDefaultAdmin(t.Context()); err != nil {
		t.Fatal(err)
	}
	kit, err := nethttpauth.New(httpapi.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	kit.Mount(mux)
	target := conformance.Target{
		Handler: mux, AdminEmail: conformance.TestAdminEmail, AdminPassword: conformance.TestAdminPassword,
		ResetAndVerify: true, Mailbox: mailbox, Clock: clock, SecretKey: settings.SecretKey, RateLimits: &settings.RateLimit,
	}
	got := results(t, target, "^LIM")
	if len(got) != 6 {
		t.Fatalf("%d limit cases ran, want 6", len(got))
	}
	for id, r := range got {
		if r.Status != conformance.StatusPassed {
			t.Errorf("%s: %s %s", id, r.Status, r.Message)
		}
	}
}
