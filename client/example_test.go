package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/httpapi"
	memstore "github.com/zincware/zndraw-auth-go/storage/memory"
)

// A command-line tool logs in through the browser: it starts a CLI login,
// shows the code and URL, and waits for a signed-in user to approve it.
func Example() {
	// An in-process server stands in for the real one.
	svc, _ := core.New(memstore.New(), core.DefaultSettings(), core.WithHasher(password.New(password.TestParams)))
	defer svc.Close()
	kit, _ := nethttpauth.New(httpapi.Config{Service: svc})
	mux := http.NewServeMux()
	kit.Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	cli := client.New(srv.URL, client.WithUserAgent("example-cli/1.0"),
		// Only to keep the example fast: real tools keep the default sleep.
		client.WithSleep(func(context.Context, time.Duration) error { return nil }))
	ch, err := cli.StartCLILogin(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("code length:", len(ch.Code))

	// Meanwhile, in the browser, a signed-in user approves the code.
	browser := client.New(srv.URL)
	_, _ = browser.Register(ctx, "alice@example.com", "correct horse battery")
	session, _ := browser.Login(ctx, "alice@example.com", "correct horse battery")
	_ = browser.ApproveCLILogin(ctx, session, ch.Code)

	token, err := cli.WaitCLILogin(ctx, ch, nil)
	if err != nil {
		panic(err)
	}
	me, _ := cli.Me(ctx, token)
	fmt.Println("logged in as", me.Email)
	// Output:
	// code length: 8
	// logged in as alice@example.com
}
