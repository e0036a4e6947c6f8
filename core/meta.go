package core

import "log/slog"

// RequestMeta describes the request an operation runs for. Adapters fill it
// from the transport; hooks and audit logs read it. It never holds secrets.
type RequestMeta struct {
	// ClientIP is the peer address, or the address taken from
	// X-Forwarded-For when the peer is a configured trusted proxy.
	ClientIP string
	// UserAgent is the request's User-Agent header.
	UserAgent string
}

// maxLoggedUserAgent bounds the user agent a log line carries.
const maxLoggedUserAgent = 256

// LogAttrs returns what the request contributes to every security event the
// Service logs (see SecurityEventMessage): client_ip and user_agent (cut to
// 256 bytes). A field added to RequestMeta is logged by adding it here.
func (m RequestMeta) LogAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String("client_ip", m.ClientIP),
		slog.String("user_agent", truncate(m.UserAgent, maxLoggedUserAgent)),
	}
}
