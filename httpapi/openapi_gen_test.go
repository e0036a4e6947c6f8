package httpapi_test

// The generator of openapi.json: the document is written down here as Go
// data, and TestOpenAPIDocumentUpToDate fails when the embedded file
// differs. Regenerate it with
//
//	go test ./httpapi -run TestOpenAPIDocumentUpToDate -update-openapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/zincware/zndraw-auth-go/httpapi"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

var updateOpenAPI = flag.Bool("update-openapi", false, "rewrite httpapi/openapi.json")

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func jsonContent(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }

// resp is a JSON response with a schema.
func resp(desc string, schema obj) obj {
	return obj{"description": desc, "content": jsonContent(schema)}
}

// errResp is an ErrorModel response with example details.
func errResp(desc string, examples ...string) obj {
	r := resp(desc, ref("ErrorModel"))
	if len(examples) > 0 {
		ex := obj{}
		for _, e := range examples {
			ex[e] = obj{"summary": e, "value": obj{"detail": e}}
		}
		r["content"].(obj)["application/json"].(obj)["examples"] = ex
	}
	return r
}

var (
	r401       = errResp("Missing token or inactive user.", "Unauthorized")
	r403       = errResp("Not allowed (not a superuser, an impersonation token, an unverified user when verification is required, or a cookie request without its CSRF token).", "Forbidden", "CSRF_TOKEN_INVALID")
	r404       = errResp("Not found.", "Not Found")
	r413       = errResp("The request body is larger than the server's limit.", "Request Entity Too Large")
	r422       = resp("Validation Error", ref("HTTPValidationError"))
	r429       = errResp("Too many requests; see the Retry-After header.", "TOO_MANY_REQUESTS")
	r503       = errResp("The store is unavailable.", "SERVICE_UNAVAILABLE")
	r204       = obj{"description": "Successful Response"}
	nullResp   = func(desc string) obj { return resp(desc, obj{"type": "null"}) }
	bearerSec  = []any{obj{"OAuth2PasswordBearer": []any{}}}
	userSec    = []any{obj{"OAuth2PasswordBearer": []any{}}, obj{"APIKeyCookie": []any{}}}
	retryAfter = obj{"Retry-After": obj{"description": "Seconds to wait.", "schema": obj{"type": "integer"}}}
)

func withHeaders(r obj, h obj) obj {
	c := obj{}
	for k, v := range r {
		c[k] = v
	}
	c["headers"] = h
	return c
}

func jsonBody(schema obj) obj {
	return obj{"required": true, "content": jsonContent(schema)}
}

func op(id, summary string, tags []string, responses obj) obj {
	return obj{"operationId": id, "summary": summary, "tags": tags, "responses": responses}
}

func with(o obj, kv ...any) obj {
	for i := 0; i < len(kv); i += 2 {
		o[kv[i].(string)] = kv[i+1]
	}
	return o
}

func pathParam(name string, schema obj) obj {
	return obj{"name": name, "in": "path", "required": true, "schema": schema}
}

func nullable(t string, extra ...any) obj {
	o := obj{"anyOf": []any{obj{"type": t}, obj{"type": "null"}}}
	return with(o, extra...)
}

func htmlResp(desc string) obj {
	return obj{"description": desc, "content": obj{"text/html": obj{"schema": obj{"type": "string"}}}}
}

func openAPIDocument() obj {
	loginForm := obj{"application/x-www-form-urlencoded": obj{"schema": ref("Body_login")},
		"multipart/form-data": obj{"schema": ref("Body_login")}}
	auth := []string{"auth"}
	users := []string{"users"}
	cli := []string{"cli-login"}
	page := []string{"cli-login page"}
	paths := obj{
		"/auth/jwt/login": obj{"x-zndraw-group": "jwt", "post": with(op("auth_jwt_login", "Auth:Jwt.Login", auth, obj{
			"200": resp("Successful Response", ref("BearerResponse")),
			"400": errResp("Bad credentials or the user is not verified.", "LOGIN_BAD_CREDENTIALS", "LOGIN_USER_NOT_VERIFIED"),
			"413": r413, "422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
		}), "requestBody", obj{"required": true, "content": loginForm})},
		"/auth/jwt/logout": obj{"x-zndraw-group": "jwt", "post": with(op("auth_jwt_logout", "Auth:Jwt.Logout", auth, obj{
			"204": r204, "401": r401, "403": r403, "503": r503,
		}), "security", userSec, "description", "Revokes the token (by jti) for every instance that shares the store.")},
		"/auth/jwt/cookie/login": obj{"x-zndraw-group": "cookie", "post": with(op("auth_cookie_login", "Auth:Cookie.Login", auth, obj{
			"204": obj{"description": "Signed in: one Set-Cookie with the session token, and the session's CSRF token.", "headers": obj{
				"Set-Cookie":   obj{"description": "fastapiusersauth=<jwt>; HttpOnly; Path=/; SameSite=lax; Secure", "schema": obj{"type": "string"}},
				"X-CSRF-Token": obj{"description": "Send it back in X-CSRF-Token with every cookie-authenticated request whose method is not GET, HEAD or OPTIONS.", "schema": obj{"type": "string"}},
			}},
			"400": errResp("Bad credentials or the user is not verified.", "LOGIN_BAD_CREDENTIALS", "LOGIN_USER_NOT_VERIFIED"),
			"413": r413, "422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
		}), "requestBody", obj{"required": true, "content": loginForm})},
		"/auth/jwt/cookie/logout": obj{"x-zndraw-group": "cookie", "post": with(op("auth_cookie_logout", "Auth:Cookie.Logout", auth, obj{
			"204": obj{"description": "Signed out: the token is revoked and the cookie deleted (Max-Age=0).", "headers": obj{
				"Set-Cookie": obj{"schema": obj{"type": "string"}}}},
			"401": r401, "403": r403, "503": r503,
		}), "security", []any{obj{"APIKeyCookie": []any{}}})},
		"/auth/register": obj{"x-zndraw-group": "register", "post": with(op("register_register", "Register:Register", auth, obj{
			"201": resp("Successful Response", ref("UserRead")),
			"400": errResp("The email is taken, or the password is refused (detail {code, reason}).", "REGISTER_USER_ALREADY_EXISTS"),
			"413": r413, "422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
		}), "requestBody", jsonBody(ref("UserCreate")))},
		"/auth/forgot-password": obj{"x-zndraw-group": "reset", "post": with(op("reset_forgot_password", "Reset:Forgot Password", auth, obj{
			"202": nullResp("Accepted, whether or not the address is known."),
			"400": errResp("The body could not be parsed (not UTF-8, or nested deeper than 64).", "There was an error parsing the body"),
			"413": r413, "422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
		}), "requestBody", jsonBody(ref("Body_forgot_password")))},
		"/auth/reset-password": obj{"x-zndraw-group": "reset", "post": with(op("reset_reset_password", "Reset:Reset Password", auth, obj{
			"200": nullResp("Successful Response"),
			"400": errResp("Bad token, or the password is refused (detail {code, reason}).", "RESET_PASSWORD_BAD_TOKEN"),
			"413": r413, "422": r422, "503": r503,
		}), "requestBody", jsonBody(ref("Body_reset_password")))},
		"/auth/request-verify-token": obj{"x-zndraw-group": "verify", "post": with(op("verify_request_token", "Verify:Request-Token", auth, obj{
			"202": nullResp("Accepted, whether or not the address is known."),
			"400": errResp("The body could not be parsed (not UTF-8, or nested deeper than 64).", "There was an error parsing the body"),
			"413": r413, "422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
		}), "requestBody", jsonBody(ref("Body_request_verify_token")))},
		"/auth/verify": obj{"x-zndraw-group": "verify", "post": with(op("verify_verify", "Verify:Verify", auth, obj{
			"200": resp("Successful Response", ref("UserRead")),
			"400": errResp("Bad token, or the user is already verified.", "VERIFY_USER_BAD_TOKEN", "VERIFY_USER_ALREADY_VERIFIED"),
			"413": r413, "422": r422, "503": r503,
		}), "requestBody", jsonBody(ref("Body_verify")))},
		"/users/me": obj{"x-zndraw-group": "users",
			"get": with(op("users_current_user", "Users:Current User", users, obj{
				"200": resp("Successful Response", ref("UserRead")), "401": r401, "403": r403, "503": r503,
			}), "security", userSec),
			"patch": with(op("users_patch_current_user", "Users:Patch Current User", users, obj{
				"200": resp("Successful Response", ref("UserRead")),
				"400": errResp("The email is taken, or the password is refused (detail {code, reason}).", "UPDATE_USER_EMAIL_ALREADY_EXISTS"),
				"401": r401, "403": r403, "413": r413, "422": r422, "503": r503,
			}), "security", userSec, "requestBody", jsonBody(ref("UserUpdate"))),
			"delete": with(op("users_delete_me", "Users:Delete User (id \"me\")", users, obj{
				"401": r401, "403": r403, "404": r404, "503": r503,
			}), "security", userSec, "description", "Not a route of its own: DELETE /users/{id} with id \"me\", which is never a user id."),
		},
		"/users/{id}": obj{"x-zndraw-group": "users",
			"parameters": []any{pathParam("id", obj{"type": "string", "title": "Id"})},
			"get": with(op("users_user", "Users:User", users, obj{
				"200": resp("Successful Response", ref("UserRead")), "401": r401, "403": r403, "404": r404, "503": r503,
			}), "security", userSec),
			"patch": with(op("users_patch_user", "Users:Patch User", users, obj{
				"200": resp("Successful Response", ref("UserRead")),
				"400": errResp("The email is taken, or the password is refused (detail {code, reason}).", "UPDATE_USER_EMAIL_ALREADY_EXISTS"),
				"401": r401, "403": r403, "404": r404, "413": r413, "422": r422, "503": r503,
			}), "security", userSec, "requestBody", jsonBody(ref("UserUpdate"))),
			"delete": with(op("users_delete_user", "Users:Delete User", users, obj{
				"204": r204, "401": r401, "403": r403, "404": r404, "503": r503,
			}), "security", userSec),
		},
		"/auth/cli-login": obj{"x-zndraw-group": "cli-login", "post": op("cli_login_create", "Create a CLI login challenge", cli, obj{
			"200": resp("Successful Response", ref("CLILoginCreateResponse")),
			"429": withHeaders(r429, retryAfter), "503": r503,
		})},
		"/auth/cli-login/{code}": obj{"x-zndraw-group": "cli-login",
			"parameters": []any{pathParam("code", obj{"type": "string", "title": "Code"})},
			"get": with(op("cli_login_poll", "Poll a CLI login challenge", cli, obj{
				"200": resp("Pending, or approved with the token (handed out once).", ref("CLILoginStatusResponse")),
				"404": errResp("Unknown code, wrong secret, denied or already redeemed.", "Challenge not found"),
				"410": errResp("The challenge expired.", "Challenge expired"),
				"422": r422, "429": withHeaders(r429, retryAfter), "503": r503,
			}), "parameters", []any{obj{"name": "secret", "in": "query", "required": true, "schema": obj{"type": "string", "title": "Secret"}}}),
			"patch": with(op("cli_login_approve", "Approve a CLI login challenge", cli, obj{
				"200": resp("Successful Response", ref("CLILoginApproveResponse")),
				"401": r401, "403": r403,
				"404": errResp("Unknown code, or not pending.", "Challenge not found"),
				"410": errResp("The challenge expired.", "Challenge expired"),
				"503": r503,
			}), "security", userSec),
			"delete": with(op("cli_login_reject", "Reject a CLI login challenge", cli, obj{
				"204": r204, "401": r401, "403": r403,
				"404": errResp("Unknown code, or already redeemed or rejected.", "Challenge not found"),
				"503": r503,
			}), "security", userSec),
		},
		"/admin/users/{user_id}/token": obj{"x-zndraw-group": "admin",
			"parameters": []any{pathParam("user_id", obj{"type": "string", "title": "User Id"})},
			"post": with(op("admin_mint_token", "Mint an impersonation token", []string{"admin"}, obj{
				"200": resp("Successful Response", ref("BearerResponse")),
				"401": r401, "403": r403,
				"404": errResp("The user does not exist or is inactive.", "User not found"),
				"422": r422, "503": r503,
			}), "security", bearerSec),
		},
		"/auth/cli-login/approve": obj{"x-zndraw-group": "approval-page",
			"get": with(op("cli_login_page", "CLI login approval page", page, obj{
				"200": htmlResp("The sign-in form, the code entry, or the approval form."),
				"404": htmlResp("Unknown, denied or used code."),
				"410": htmlResp("Expired code."),
				"500": htmlResp("Server error."),
				"503": htmlResp("The store is unavailable."),
			}), "parameters", []any{obj{"name": "code", "in": "query", "required": false, "schema": obj{"type": "string"}}},
				"description", "Server-rendered HTML. A GET only displays; it never approves."),
			"post": with(op("cli_login_page_submit", "CLI login approval page actions", page, obj{
				"200": htmlResp("Approved or denied."),
				"303": obj{"description": "Signed in or out; back to the page.", "headers": obj{"Location": obj{"schema": obj{"type": "string"}}}},
				"400": htmlResp("Bad form, or bad credentials."),
				"401": htmlResp("The session ended."),
				"403": htmlResp("CSRF check failed, cross-site request, or not allowed."),
				"404": htmlResp("Unknown, denied or used code."),
				"410": htmlResp("Expired code."),
				"413": r413,
				"429": htmlResp("Too many sign-in attempts."),
				"500": htmlResp("Server error."),
				"503": htmlResp("The store is unavailable."),
			}), "requestBody", obj{"required": true, "content": obj{"application/x-www-form-urlencoded": obj{"schema": ref("Body_approval_page")}}}),
		},
		"/openapi.json": obj{"x-zndraw-group": "openapi", "get": op("openapi", "This document", []string{"meta"}, obj{
			"200": resp("The OpenAPI document, paths at the configured prefixes.", obj{"type": "object"}),
			"413": r413,
		})},
	}

	boolOrNull := func(def bool, title string) obj {
		return nullable("boolean", "default", def, "title", title)
	}
	schemas := obj{
		"UserRead": obj{"type": "object", "title": "UserRead",
			"properties": obj{
				"id":           obj{"type": "string", "format": "uuid", "title": "Id"},
				"email":        obj{"type": "string", "format": "email", "title": "Email"},
				"is_active":    obj{"type": "boolean", "default": true, "title": "Is Active"},
				"is_superuser": obj{"type": "boolean", "default": false, "title": "Is Superuser"},
				"is_verified":  obj{"type": "boolean", "default": false, "title": "Is Verified"},
			},
			"required": []string{"id", "email", "is_active", "is_superuser", "is_verified"}},
		"UserCreate": obj{"type": "object", "title": "UserCreate",
			"properties": obj{
				"email":        obj{"type": "string", "format": "email", "title": "Email"},
				"password":     obj{"type": "string", "title": "Password"},
				"is_active":    boolOrNull(true, "Is Active"),
				"is_superuser": boolOrNull(false, "Is Superuser"),
				"is_verified":  boolOrNull(false, "Is Verified"),
			},
			"required": []string{"email", "password"}},
		"UserUpdate": obj{"type": "object", "title": "UserUpdate",
			"properties": obj{
				"password":     nullable("string", "title", "Password"),
				"email":        obj{"anyOf": []any{obj{"type": "string", "format": "email"}, obj{"type": "null"}}, "title": "Email"},
				"is_active":    nullable("boolean", "title", "Is Active"),
				"is_superuser": nullable("boolean", "title", "Is Superuser"),
				"is_verified":  nullable("boolean", "title", "Is Verified"),
			}},
		"BearerResponse": obj{"type": "object", "title": "BearerResponse",
			"properties": obj{"access_token": obj{"type": "string", "title": "Access Token"}, "token_type": obj{"type": "string", "title": "Token Type"}},
			"required":   []string{"access_token", "token_type"}},
		"Body_login": obj{"type": "object", "title": "Body_auth_jwt_login",
			"properties": obj{
				"grant_type":    nullable("string", "title", "Grant Type", "pattern", "^password$"),
				"username":      obj{"type": "string", "title": "Username"},
				"password":      obj{"type": "string", "format": "password", "title": "Password"},
				"scope":         obj{"type": "string", "default": "", "title": "Scope"},
				"client_id":     nullable("string", "title", "Client Id"),
				"client_secret": nullable("string", "title", "Client Secret", "format", "password"),
			},
			"required": []string{"username", "password"}},
		"Body_forgot_password": obj{"type": "object", "title": "Body_reset_forgot_password",
			"properties": obj{"email": obj{"type": "string", "format": "email", "title": "Email"}}, "required": []string{"email"}},
		"Body_reset_password": obj{"type": "object", "title": "Body_reset_reset_password",
			"properties": obj{"token": obj{"type": "string", "title": "Token"}, "password": obj{"type": "string", "title": "Password"}},
			"required":   []string{"token", "password"}},
		"Body_request_verify_token": obj{"type": "object", "title": "Body_verify_request_token",
			"properties": obj{"email": obj{"type": "string", "format": "email", "title": "Email"}}, "required": []string{"email"}},
		"Body_verify": obj{"type": "object", "title": "Body_verify_verify",
			"properties": obj{"token": obj{"type": "string", "title": "Token"}}, "required": []string{"token"}},
		"Body_approval_page": obj{"type": "object", "title": "Body_approval_page",
			"properties": obj{
				"action":     obj{"type": "string", "enum": []string{"login", "approve", "deny", "logout"}},
				"csrf_token": obj{"type": "string"},
				"code":       obj{"type": "string"},
				"email":      obj{"type": "string"},
				"password":   obj{"type": "string", "format": "password"},
			},
			"required": []string{"action"}},
		"CLILoginCreateResponse": obj{"type": "object", "title": "CLILoginCreateResponse",
			"properties": obj{
				"code":        obj{"type": "string", "title": "Code", "pattern": "^[A-Z0-9]{8}$"},
				"secret":      obj{"type": "string", "title": "Secret"},
				"approve_url": obj{"type": "string", "title": "Approve Url"},
				"expires_in":  obj{"type": "integer", "title": "Expires In", "description": "Seconds (RFC 8628)."},
				"interval":    obj{"type": "integer", "title": "Interval", "description": "Minimum seconds between polls (RFC 8628)."},
			},
			"required": []string{"code", "secret", "approve_url", "expires_in", "interval"}},
		"CLILoginStatusResponse": obj{"type": "object", "title": "CLILoginStatusResponse",
			"properties": obj{
				"status": obj{"type": "string", "enum": []string{"pending", "approved"}, "title": "Status"},
				"token":  nullable("string", "title", "Token"),
			},
			"required": []string{"status", "token"}},
		"CLILoginApproveResponse": obj{"type": "object", "title": "CLILoginApproveResponse",
			"properties": obj{"status": obj{"type": "string", "const": "approved", "title": "Status"}},
			"required":   []string{"status"}},
		"ErrorModel": obj{"type": "object", "title": "ErrorModel",
			"properties": obj{"detail": obj{"title": "Detail", "anyOf": []any{
				obj{"type": "string"},
				obj{"type": "object", "properties": obj{"code": obj{"type": "string"}, "reason": obj{"type": "string"}},
					"required": []string{"code", "reason"}, "additionalProperties": obj{"type": "string"}},
			}}},
			"required": []string{"detail"}},
		"HTTPValidationError": obj{"type": "object", "title": "HTTPValidationError",
			"properties": obj{"detail": obj{"type": "array", "title": "Detail", "items": ref("ValidationError")}},
			"required":   []string{"detail"}},
		"ValidationError": obj{"type": "object", "title": "ValidationError",
			"properties": obj{
				"loc":   obj{"type": "array", "title": "Location", "items": obj{"anyOf": []any{obj{"type": "string"}, obj{"type": "integer"}}}},
				"msg":   obj{"type": "string", "title": "Message"},
				"type":  obj{"type": "string", "title": "Error Type"},
				"input": obj{"title": "Input", "type": []string{"null", "boolean", "integer", "number", "string", "array", "object"}},
				"ctx":   obj{"type": "object", "title": "Context"},
			},
			"required": []string{"loc", "msg", "type"}},
	}
	// Public operations say so: an empty security requirement.
	for _, item := range paths {
		for _, v := range item.(obj) {
			if o, isOp := v.(obj); isOp {
				if _, has := o["security"]; !has {
					o["security"] = []any{}
				}
			}
		}
	}
	return obj{
		"openapi": "3.1.0",
		"info": obj{"title": "zndraw-auth",
			// The kit's module version; a served document carries the
			// version of the running binary (see httpapi.OpenAPISpec).
			"version":     version.Devel,
			"license":     obj{"name": "MIT", "identifier": "MIT"},
			"description": "The HTTP API of zndraw-auth 0.2.3 as served by zndraw-auth-go. Paths are shown at the default prefixes; a served document (GET /openapi.json) shows the configured ones and only the mounted routes."},
		// The origin of the server that serves the document; a template
		// rather than a relative "/", which clients and validators that
		// match absolute URLs (kin-openapi's router) cannot use.
		"servers": []any{obj{"url": "{scheme}://{host}", "description": "The server that serves this document.",
			"variables": obj{
				"scheme": obj{"default": "http", "enum": []string{"http", "https"}},
				"host":   obj{"default": "127.0.0.1:8000", "description": "host[:port] of the server"},
			}}},
		"paths": paths,
		"components": obj{
			"schemas": schemas,
			"securitySchemes": obj{
				"OAuth2PasswordBearer": obj{"type": "oauth2", "flows": obj{"password": obj{"scopes": obj{}, "tokenUrl": "auth/jwt/login"}}},
				"APIKeyCookie":         obj{"type": "apiKey", "in": "cookie", "name": httpapi.DefaultCookieName},
			},
		},
	}
}

func TestOpenAPIDocumentUpToDate(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(openAPIDocument()); err != nil {
		t.Fatal(err)
	}
	if *updateOpenAPI {
		if err := os.WriteFile("openapi.json", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return // the embedded copy is the old one until the next build
	}
	if !bytes.Equal(buf.Bytes(), httpapi.OpenAPISpec()) {
		t.Fatal("httpapi/openapi.json is out of date: go test ./httpapi -run TestOpenAPIDocumentUpToDate -update-openapi")
	}
}
