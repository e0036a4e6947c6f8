package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/conformance"
	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/kittest"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// routesOf lists "METHOD path" of a document.
func routesOf(t *testing.T, doc []byte) []string {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(doc, &d))
	var out []string
	for path, item := range d.Paths {
		for method := range item {
			switch method {
			case "get", "post", "patch", "delete", "put":
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIMatchesRouteTable: the served document lists exactly the
// mounted routes with their methods, at the configured paths, and is a
// valid OpenAPI 3.1 document.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	zndraw := httpapi.ZndrawGroups()
	cases := []struct {
		name string
		cfg  httpapi.Config
	}{
		{"defaults", httpapi.Config{}},
		{"everything", httpapi.Config{OpenAPI: true, ApprovalPage: true, Cookie: &httpapi.CookieConfig{Name: "sid"}}},
		{"zndraw groups, custom prefixes", httpapi.Config{Groups: &zndraw, OpenAPI: true, ApprovalPage: true, ApprovalPagePath: "/device",
			Prefixes: httpapi.Prefixes{JWT: "/api/jwt", Register: "/api", Users: "/api/users", CLILogin: "/api/cli", Admin: "/api/admin"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKit(t, tc.cfg, false)
			cfg := tc.cfg
			cfg.Service = k.svc
			api, err := httpapi.New(cfg)
			require.NoError(t, err)
			doc := api.OpenAPI()
			var want []string
			for _, ep := range api.Endpoints() {
				for _, m := range ep.Methods {
					want = append(want, m+" "+ep.Path)
				}
			}
			sort.Strings(want)
			require.Equal(t, want, routesOf(t, doc))

			spec, err := openapi3.NewLoader().LoadFromData(doc)
			require.NoError(t, err)
			require.NoError(t, spec.Validate(t.Context()))
			require.Equal(t, "3.1.0", spec.OpenAPI)
			cookieScheme := spec.Components.SecuritySchemes["APIKeyCookie"]
			if cfg.Cookie == nil {
				require.Nil(t, cookieScheme)
				require.NotContains(t, string(doc), "APIKeyCookie")
			} else {
				require.Equal(t, "sid", cookieScheme.Value.Name)
			}
			if cfg.OpenAPI {
				resp, body := k.send(t, http.MethodGet, "/openapi.json", nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
				require.Equal(t, want, routesOf(t, []byte(body)))
			} else {
				resp, _ := k.send(t, http.MethodGet, "/openapi.json", nil, nil)
				require.Equal(t, http.StatusNotFound, resp.StatusCode)
			}
		})
	}
}

// TestOpenAPIConformance runs the conformance suite against the net/http
// adapter with every optional part on, validating every response against
// the served OpenAPI document.
func TestOpenAPIConformance(t *testing.T) {
	svc, _, _, target := conformance.NewTestService(t, conformance.ModeProduction, memstore.New())
	kit, err := nethttpauth.New(httpapi.Config{Service: svc, OpenAPI: true, ApprovalPage: true, Cookie: &httpapi.CookieConfig{Insecure: true}})
	require.NoError(t, err)
	target.Handler = kittest.DemoMux(kit)

	target, report, err := conformance.WithOpenAPIValidation(target, kit.API.OpenAPI())
	require.NoError(t, err)
	conformance.Run(t, target)
	t.Log(report)
	require.Greater(t, report.Checked(), 100, "the suite's responses went through the validator")
	require.Empty(t, report.Mismatches(), "responses that do not match the OpenAPI document")
}

// TestOpenAPIValidatorCatchesMismatches: the validator is not a yes-man.
func TestOpenAPIValidatorCatchesMismatches(t *testing.T) {
	k := newKit(t, httpapi.Config{ApprovalPage: true}, false)
	api, err := httpapi.New(httpapi.Config{Service: k.svc, ApprovalPage: true})
	require.NoError(t, err)
	// A document that wants a refresh token the server never sends.
	doc := strings.Replace(string(api.OpenAPI()), `"required":["access_token","token_type"]`, `"required":["access_token","refresh_token","token_type"]`, 1)
	require.NotEqual(t, string(api.OpenAPI()), doc)
	target, report, err := conformance.WithOpenAPIValidation(conformance.Target{BaseURL: k.url}, []byte(doc))
	require.NoError(t, err)

	resp, err := target.Client.PostForm(k.url+"/auth/jwt/login", loginForm)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(body), "access_token", "the caller still gets the body")
	for _, path := range []string{pagePath, "/auth/cli-login/ABCD1234?secret=x", "/nowhere", "/auth/cli-login"} {
		resp, err := target.Client.Get(k.url + path)
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
	ms := report.Mismatches()
	require.Len(t, ms, 1, report.String())
	require.Equal(t, "/auth/jwt/login", ms[0].Path)
	require.Contains(t, ms[0].Err, "refresh_token")
	require.Equal(t, 3, report.Checked(), "login, the page and the poll")
	require.Equal(t, map[string]int{"GET /nowhere": 1, "GET /auth/cli-login": 1}, report.Unmatched())

	_, _, err = conformance.WithOpenAPIValidation(target, []byte("{not json"))
	require.Error(t, err)
}
