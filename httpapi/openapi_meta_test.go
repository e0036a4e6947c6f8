package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/serve"
)

// TestOpenAPIMetadata: the documents carry the kit's version (not the
// reference's 0.2.3), a license and a server, and every operation states
// its security, an empty list for the public ones.
func TestOpenAPIMetadata(t *testing.T) {
	k := newKit(t, httpapi.Config{}, false)
	api, err := httpapi.New(httpapi.Config{Service: k.svc, OpenAPI: true, ApprovalPage: true})
	require.NoError(t, err)
	for name, doc := range map[string][]byte{"embedded": httpapi.OpenAPISpec(), "served": api.OpenAPI()} {
		t.Run(name, func(t *testing.T) {
			var d struct {
				Info struct {
					Version string
					License struct{ Name, Identifier string }
				}
				Servers []struct{ URL string }
				Paths   map[string]map[string]json.RawMessage
			}
			require.NoError(t, json.Unmarshal(doc, &d))
			assert.Equal(t, serve.Version(), d.Info.Version)
			assert.NotEqual(t, "0.2.3", d.Info.Version)
			assert.Equal(t, "MIT", d.Info.License.Identifier)
			require.Len(t, d.Servers, 1)
			public := 0
			for path, item := range d.Paths {
				for method, raw := range item {
					if method == "parameters" || strings.HasPrefix(method, "x-") {
						continue
					}
					var op struct{ Security *[]map[string][]string }
					require.NoError(t, json.Unmarshal(raw, &op))
					if assert.NotNil(t, op.Security, "%s %s states no security", method, path) && len(*op.Security) == 0 {
						public++
					}
				}
			}
			assert.GreaterOrEqual(t, public, 8, "register, login, the CLI login's create and poll, ... are public")
		})
	}
}
