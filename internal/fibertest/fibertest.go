// Package fibertest serves fiber apps in tests.
package fibertest

import (
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Serve serves app natively (fasthttp, no net/http bridge) on a loopback
// listener until t ends, and returns its base URL. When t ends it shuts
// the app down (within 5 s) and reports an error of either the shutdown or
// the listener.
func Serve(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("fiber shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("fiber listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
