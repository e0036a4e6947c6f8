package httpapi_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/httpapi"
)

// TestApprovalPageNamesTheService: every view of the page says which
// service the person is signing the tool in to: Config.ServiceName, or by
// default the host the browser asked for. A Host that is not a host name
// is not shown.
func TestApprovalPageNamesTheService(t *testing.T) {
	t.Run("default: the request's host", func(t *testing.T) {
		k := pageKit(t)
		u, err := url.Parse(k.url)
		require.NoError(t, err)
		host := u.Host
		ch, err := k.client().StartCLILogin(t.Context())
		require.NoError(t, err)
		b := newBrowser(t, k)
		_, signIn := b.get(pagePath + "?code=" + ch.Code)
		assert.Contains(t, signIn, "You are signing in a command-line tool to <strong>"+host+"</strong>")
		confirm := b.signIn(ch.Code, testEmail)
		assert.Contains(t, confirm, "to "+host+"</strong> as <strong>"+testEmail)
		_, enter := b.get(pagePath)
		assert.Contains(t, enter, "to <strong>"+host+"</strong>")

		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, k.url+pagePath, nil)
		require.NoError(t, err)
		req.Host = "not_a_host"
		resp, err := k.srv.Client().Do(req)
		require.NoError(t, err)
		page, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.NotContains(t, string(page), "not_a_host")
		assert.Contains(t, string(page), "to <strong>this service</strong>")
	})
	t.Run("configured", func(t *testing.T) {
		k := newKit(t, httpapi.Config{ApprovalPage: true, ServiceName: "ZnDraw <Lab>"}, false)
		b := newBrowser(t, k)
		_, signIn := b.get(pagePath + "?code=" + url.QueryEscape("ABCD1234"))
		assert.Contains(t, signIn, "to <strong>ZnDraw &lt;Lab&gt;</strong>")
	})
}
