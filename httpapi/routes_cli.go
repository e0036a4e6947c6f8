package httpapi

import (
	"net/http"

	"github.com/zincware/zndraw-auth-go/core"
)

// cliCreated is the create response: the reference's three fields first,
// then RFC 8628's expires_in and interval (seconds).
type cliCreated struct {
	Code       string `json:"code"`
	Secret     string `json:"secret"`
	ApproveURL string `json:"approve_url"`
	ExpiresIn  int64  `json:"expires_in"`
	Interval   int64  `json:"interval"`
}

// cliApproved is the approve response: exactly {"status":"approved"}.
type cliApproved struct {
	Status string `json:"status"`
}

// cliStatus is the poll response; token is serialised even when null.
type cliStatus struct {
	Status string  `json:"status"`
	Token  *string `json:"token"`
}

// cliCreate is POST /auth/cli-login (no auth, no body).
func (a *API) cliCreate(r *Request) *Response {
	c, err := a.svc.CreateCLIChallenge(r.Context, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusOK, cliCreated{
		Code: c.Code, Secret: c.Secret, ApproveURL: a.approveURL(c.Code),
		ExpiresIn: int64(c.ExpiresIn.Seconds()), Interval: int64(c.Interval.Seconds()),
	})
}

// cliPoll is GET /auth/cli-login/{code}?secret=... (no auth).
func (a *API) cliPoll(r *Request) *Response {
	secret, ok := r.Query("secret")
	if !ok {
		return validationFailed([]ValidationError{missing("query", "secret")})
	}
	res, err := a.svc.PollCLIChallenge(r.Context, r.PathValue("code"), secret, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	out := cliStatus{Status: string(res.Status)}
	if res.Token != "" {
		out.Token = &res.Token
	}
	return jsonResponse(http.StatusOK, out)
}

// cliApprove is PATCH /auth/cli-login/{code} (active user).
func (a *API) cliApprove(r *Request) *Response {
	p, resp := a.AuthenticateRequest(r, core.AccessActive)
	if resp != nil {
		return resp
	}
	if err := a.svc.ApproveCLIChallenge(r.Context, p, r.PathValue("code"), a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusOK, cliApproved{Status: string(core.ChallengeApproved)})
}

// cliReject is DELETE /auth/cli-login/{code} (active user): 204.
func (a *API) cliReject(r *Request) *Response {
	p, resp := a.AuthenticateRequest(r, core.AccessActive)
	if resp != nil {
		return resp
	}
	if err := a.svc.RejectCLIChallenge(r.Context, p, r.PathValue("code"), a.Meta(r)); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return noContent()
}
