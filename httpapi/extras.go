package httpapi

import (
	"net/url"
	"strings"
)

// configureExtras sets up the optional parts of the API: the cookie
// transport, the CLI approval page and the OpenAPI document.
func (a *API) configureExtras(cfg Config) error {
	a.csrfKey = csrfKey(a.svc.Settings().SecretKey)
	if cfg.Cookie != nil {
		a.cookie = newCookieTransport(*cfg.Cookie)
	}
	if cfg.ApprovalPage {
		path := cfg.ApprovalPagePath
		if path == "" {
			path = a.prefixes.CLILogin + "/approve"
		}
		path = "/" + strings.Trim(path, "/")
		a.page = newApprovalPage(a, path, cfg.Cookie)
		a.page.service = cfg.ServiceName
		if cfg.ApproveURL == nil {
			a.approveURL = func(code string) string { return path + "?code=" + url.QueryEscape(code) }
		}
	}
	if cfg.OpenAPI {
		a.openAPI = a.openAPIDocument(true)
	}
	return nil
}

// extraEndpoints are the routes of the optional parts.
func (a *API) extraEndpoints() []Endpoint {
	var eps []Endpoint
	if a.cookie != nil && a.groups.JWT {
		eps = append(eps,
			a.endpoint(a.prefixes.JWT+"/cookie/login", onPost(a.cookieLogin)),
			a.endpoint(a.prefixes.JWT+"/cookie/logout", onPost(a.cookieLogout)))
	}
	if a.page != nil {
		eps = append(eps, a.endpoint(a.page.path, onGet(a.page.show), onPost(a.page.submit)))
	}
	if a.openAPI != nil {
		eps = append(eps, a.endpoint(OpenAPIPath, onGet(a.serveOpenAPI)))
	}
	return eps
}
