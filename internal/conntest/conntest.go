// Package conntest checks from the client's side that a server lets go of
// slow and idle connections: each function opens a raw TCP connection,
// misbehaves in one way, and returns how long the server took to close
// it, failing the test if it did not close within a bound.
package conntest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// SlowHeader sends a request line and one header, never the blank line
// that ends the headers.
func SlowHeader(t testing.TB, addr string, within time.Duration) time.Duration {
	t.Helper()
	return closedAfter(t, addr, within, func(c net.Conn) {
		write(t, c, "GET / HTTP/1.1\r\nHost: "+addr+"\r\n")
	})
}

// SlowBody sends the headers of a POST to path that announce a 1000-byte
// JSON body, and one byte of it.
func SlowBody(t testing.TB, addr, path string, within time.Duration) time.Duration {
	t.Helper()
	return closedAfter(t, addr, within, func(c net.Conn) {
		write(t, c, "POST "+path+" HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	})
}

// Idle sends one complete keep-alive request for path, reads its response,
// and then sends nothing.
func Idle(t testing.TB, addr, path string, within time.Duration) time.Duration {
	t.Helper()
	return closedAfter(t, addr, within, func(c net.Conn) {
		write(t, c, "GET "+path+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(within))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("conntest: reading the response: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.Close {
			t.Fatalf("conntest: the server closed the connection after the first request; no keep-alive to test")
		}
	})
}

// closedAfter dials addr, runs misbehave, and waits until the server
// closes the connection (anything it sends first is read and dropped). It
// returns the time from the end of misbehave to the close, and fails t
// when the connection is still open after within.
func closedAfter(t testing.TB, addr string, within time.Duration, misbehave func(net.Conn)) time.Duration {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("conntest: %v", err)
	}
	defer c.Close()
	misbehave(c)
	start := time.Now()
	if err := c.SetReadDeadline(start.Add(within)); err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, c)
	elapsed := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("conntest: the server kept the connection open for more than %s", within)
	}
	return elapsed
}

func write(t testing.TB, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatalf("conntest: %v", err)
	}
}
