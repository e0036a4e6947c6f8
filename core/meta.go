package core

// RequestMeta describes the request an operation runs for. Adapters fill it
// from the transport; hooks and audit logs read it. It never holds secrets.
type RequestMeta struct {
	// ClientIP is the peer address, or the address taken from
	// X-Forwarded-For when the peer is a configured trusted proxy.
	ClientIP string
	// UserAgent is the request's User-Agent header.
	UserAgent string
}
