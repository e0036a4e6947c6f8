package core

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
)

// RequestMeta describes the request an operation runs for. Adapters fill it
// from the transport; hooks and the security events read it. It never holds
// secrets.
type RequestMeta struct {
	// ClientIP is the peer address, or the address taken from
	// X-Forwarded-For when the peer is a configured trusted proxy.
	ClientIP string
	// UserAgent is the request's User-Agent header.
	UserAgent string
	// ActorID is the user whose token made the request: the admin on
	// /users/{id}, the user themself on /users/me, the impersonated user
	// for an impersonation token. uuid.Nil for an anonymous request (login,
	// register, reset) and for host code acting on its own.
	ActorID uuid.UUID
	// ImpersonatedBy is the admin who minted the impersonation token the
	// request was made with (ActorID is then the impersonated user);
	// uuid.Nil for every other request.
	ImpersonatedBy uuid.UUID
}

// WithActor returns m with ActorID and ImpersonatedBy taken from p, the
// authenticated caller of the request. A nil p returns m unchanged. The HTTP
// layer calls it for every authenticated route; the Service calls it itself
// where it is handed the caller.
func (m RequestMeta) WithActor(p *Principal) RequestMeta {
	if p == nil {
		return m
	}
	m.ActorID = p.User.ID
	m.ImpersonatedBy = p.Token.ImpersonatedBy
	return m
}

// Impersonated reports whether the request was made with an impersonation
// token.
func (m RequestMeta) Impersonated() bool { return m.ImpersonatedBy != uuid.Nil }

// actingMeta returns meta with the caller filled in: p when given, else,
// when meta names no actor, the principal the adapters' middleware stored in
// ctx (so that a host handler behind RequireUser that calls the Service
// with a bare RequestMeta is still held to the caller's limits).
func actingMeta(ctx context.Context, meta RequestMeta, p *Principal) RequestMeta {
	if p != nil {
		return meta.WithActor(p)
	}
	if meta.ActorID == uuid.Nil {
		if cp, ok := PrincipalFromContext(ctx); ok {
			return meta.WithActor(cp)
		}
	}
	return meta
}

// maxLoggedUserAgent bounds the user agent a log line carries.
const maxLoggedUserAgent = 256

// LogAttrs returns what the request contributes to every security event the
// Service logs (see SecurityEventMessage): client_ip, user_agent (invalid
// UTF-8, control and bidirectional characters replaced by U+FFFD, cut to 256
// bytes), then, when the request names them, actor_id (who acted: the admin
// on /users/{id}) and impersonated_by (the admin behind an impersonation
// token).
func (m RequestMeta) LogAttrs() []slog.Attr {
	// A field added to RequestMeta is logged by adding it here.
	attrs := []slog.Attr{
		slog.String("client_ip", m.ClientIP),
		slog.String("user_agent", storedText(m.UserAgent, maxLoggedUserAgent)),
	}
	if m.ActorID != uuid.Nil {
		attrs = append(attrs, slog.String("actor_id", m.ActorID.String()))
	}
	if m.ImpersonatedBy != uuid.Nil {
		attrs = append(attrs, slog.String("impersonated_by", m.ImpersonatedBy.String()))
	}
	return attrs
}
