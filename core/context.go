package core

import "context"

// principalKey is the context key of the authenticated caller.
type principalKey struct{}

// ContextWithPrincipal returns a copy of ctx that carries p. The adapters'
// middleware (RequireUser, RequireSuperuser, OptionalUser) store the caller
// of a request this way, whatever the framework, so code that has only the
// request's context (a service layer called from a handler) can read it
// with PrincipalFromContext.
func ContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal stored by
// ContextWithPrincipal: the user and the token it presented. It is false
// when there is none, e.g. for an anonymous request through OptionalUser.
func PrincipalFromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// UserFromContext returns the user of the principal stored by
// ContextWithPrincipal; false when there is none.
func UserFromContext(ctx context.Context) (*User, bool) {
	p, ok := PrincipalFromContext(ctx)
	if !ok {
		return nil, false
	}
	return &p.User, true
}
