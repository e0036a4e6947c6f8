package httpapi

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/zincware/zndraw-auth-go/core"
)

// getMe is GET /users/me.
func (a *API) getMe(r *Request) *Response {
	p, resp := a.AuthenticateRequest(r, a.userAccess(false))
	if resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, NewUserRead(p.User))
}

// userUpdate validates a UserUpdate body. A null password means "not set".
// A null email is a 422 (the reference answers 500); so is a null flag on
// /users/{id}, while on /users/me (self), where the flags are ignored
// anyway, null is accepted as in the reference.
func userUpdate(b body, self bool) (core.UserUpdate, *Response) {
	f := newFields(b, true)
	u := core.UserUpdate{
		Password:    f.str("password", false, true),
		Email:       f.email("email", false),
		IsActive:    f.boolean("is_active", self),
		IsSuperuser: f.boolean("is_superuser", self),
		IsVerified:  f.boolean("is_verified", self),
	}
	return u, f.result()
}

// patchMe is PATCH /users/me: malformed JSON (422), then auth (401), then
// the body (422), then the user's update of their own account.
func (a *API) patchMe(r *Request) *Response {
	b, resp := readBody(r)
	if resp != nil {
		return resp
	}
	p, resp := a.AuthenticateRequest(r, a.userAccess(false))
	if resp != nil {
		return resp
	}
	upd, resp := userUpdate(b, true)
	if resp != nil {
		return resp
	}
	u, err := a.svc.UpdateSelf(r.Context, p, upd, a.Meta(r))
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusOK, NewUserRead(u))
}

// targetUser is the superuser check followed by get_user_or_404: a
// non-UUID id is a 404 here, never a 422. It returns the target and the
// request's meta with the admin as its actor.
func (a *API) targetUser(r *Request) (core.User, core.RequestMeta, *Response) {
	p, resp := a.AuthenticateRequest(r, a.userAccess(true))
	if resp != nil {
		return core.User{}, core.RequestMeta{}, resp
	}
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return core.User{}, core.RequestMeta{}, notFound()
	}
	u, err := a.svc.GetUser(r.Context, id)
	if err != nil {
		return core.User{}, core.RequestMeta{}, a.errorResponse(r.Context, err, usersNotFound)
	}
	return u, a.Meta(r).WithActor(p), nil
}

// getUser is GET /users/{id} (superuser).
func (a *API) getUser(r *Request) *Response {
	u, _, resp := a.targetUser(r)
	if resp != nil {
		return resp
	}
	return jsonResponse(http.StatusOK, NewUserRead(u))
}

// patchUser is PATCH /users/{id} (superuser, all fields honoured).
func (a *API) patchUser(r *Request) *Response {
	b, resp := readBody(r)
	if resp != nil {
		return resp
	}
	target, meta, resp := a.targetUser(r)
	if resp != nil {
		return resp
	}
	upd, resp := userUpdate(b, false)
	if resp != nil {
		return resp
	}
	u, err := a.svc.UpdateUser(r.Context, target, upd, meta)
	if err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return jsonResponse(http.StatusOK, NewUserRead(u))
}

// deleteMe is DELETE /users/me, served by DELETE /users/{id} with id "me".
func (a *API) deleteMe(r *Request) *Response {
	me := *r
	me.PathValue = func(string) string { return "me" }
	return a.deleteUser(&me)
}

// deleteUser is DELETE /users/{id} (superuser): 204.
func (a *API) deleteUser(r *Request) *Response {
	target, meta, resp := a.targetUser(r)
	if resp != nil {
		return resp
	}
	if err := a.svc.DeleteUser(r.Context, target, meta); err != nil {
		return a.errorResponse(r.Context, err, usersNotFound)
	}
	return noContent()
}
