package serve

import (
	"net/http"
	"time"
)

// Timeouts are the limits of one HTTP server. Zero fields take the value of
// DefaultTimeouts.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers.
	ReadHeader time.Duration
	// Read bounds reading the whole request, headers and body.
	Read time.Duration
	// Write bounds the time from the end of the request headers to the end
	// of the response, the handler included.
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next
	// request.
	Idle time.Duration
	// MaxHeaderBytes limits the request line and headers.
	MaxHeaderBytes int
}

// ShutdownTimeout bounds Run's graceful shutdown: the requests in flight
// and the Service's queued deliveries get this long to finish once the
// process is asked to stop; what runs longer is cut off. 10 s is below the
// 30 s a container runtime (Docker, Kubernetes) waits between SIGTERM and
// SIGKILL, so the shutdown finishes, and logs that it did, before the
// process is killed.
const ShutdownTimeout = 10 * time.Second

// DefaultTimeouts are the limits of the example servers:
//
//   - ReadHeader 5 s: a client sends its headers at once; waiting longer
//     only helps a client that trickles them to hold a connection.
//   - Read 15 s: the kit's bodies are small (at most 1 MiB, a login is
//     under 1 KB); 15 s is 70 KB/s for the largest accepted body, and a
//     client that sends one byte every few seconds is cut off.
//   - Write 30 s: covers the handler, and a login may wait for a free
//     password-hashing slot under load; 30 s is far above a healthy answer
//     yet frees connections whose reader stalls.
//   - Idle 120 s: above the 60–75 s idle timeouts of common reverse
//     proxies and load balancers, so the proxy closes an idle connection
//     first and never reuses one the server has just closed.
//   - MaxHeaderBytes 64 KiB: ample for a bearer token and cookies (net/http
//     allows 1 MiB).
//
// The shutdown has its own bound, ShutdownTimeout.
func DefaultTimeouts() Timeouts {
	return Timeouts{
		ReadHeader:     5 * time.Second,
		Read:           15 * time.Second,
		Write:          30 * time.Second,
		Idle:           120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

// orDefaults fills t's zero fields from DefaultTimeouts.
func (t Timeouts) orDefaults() Timeouts {
	d := DefaultTimeouts()
	pick := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&t.ReadHeader, d.ReadHeader)
	pick(&t.Read, d.Read)
	pick(&t.Write, d.Write)
	pick(&t.Idle, d.Idle)
	if t.MaxHeaderBytes <= 0 {
		t.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return t
}

// NewServer returns an *http.Server for h with the limits t (zero fields:
// DefaultTimeouts). Serve it with ListenAndServe.
func NewServer(h http.Handler, t Timeouts) *http.Server {
	t = t.orDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    t.MaxHeaderBytes,
	}
}
