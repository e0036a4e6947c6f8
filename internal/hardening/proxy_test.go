package hardening_test

import (
	"net/url"
	"testing"

	"github.com/zincware/zndraw-auth-go/internal/tcpproxy"
)

// proxiedPostgres returns the URL of a fresh PostgreSQL schema (see
// pgSchemaURL; it skips t without PostgreSQL), the same URL through a new
// proxy, closed when t ends, and the proxy.
func proxiedPostgres(t *testing.T) (direct, proxied string, p *tcpproxy.Proxy) {
	t.Helper()
	direct = pgSchemaURL(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	p, err = tcpproxy.Start("127.0.0.1:0", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	u.Host = p.Addr()
	return direct, u.String(), p
}
