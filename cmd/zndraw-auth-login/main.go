// Command zndraw-auth-login logs a command-line user in to a zndraw-auth
// server through the browser (the CLI device-code login), and keeps one
// token per server:
//
//	zndraw-auth-login -server https://zndraw.example.com [-open] [-print-token]
//	zndraw-auth-login status [-server URL]
//	zndraw-auth-login token  [-server URL]
//	zndraw-auth-login logout [-server URL]
//	zndraw-auth-login -version
//
// A login starts a CLI login, prints the code and the approval URL (and
// opens it with -open), waits while the user signs in and approves in the
// browser, and saves the access token with mode 0600 in a token file that
// records the server it is for,
// <user config dir>/zndraw-auth/tokens/<server>.json (os.UserConfigDir;
// -token-file overrides it), so logins to several servers live side by
// side. With -print-token the token is written
// to standard output instead, and everything else goes to standard error,
// so
//
//	TOKEN=$(zndraw-auth-login -server URL -print-token)
//
// works. status shows the saved logins and whether the server still
// accepts each token; token prints a saved token; logout revokes the token
// on the server and deletes its file. -server defaults to
// $ZNDRAW_AUTH_SERVER; status, token and logout also find a single saved
// login without it. Exit status: 0 done, 1 failed (denied, expired,
// network, not logged in), 2 bad usage.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/zincware/zndraw-auth-go/client"
	"github.com/zincware/zndraw-auth-go/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := &app{
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		isTTY:     isTerminal,
		openURL:   openBrowser,
		configDir: os.UserConfigDir,
		getenv:    os.Getenv,
	}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// app is the command with its surroundings injected, so tests run it
// without a terminal, a browser or the user's config directory.
type app struct {
	stdout, stderr io.Writer
	// isTTY reports whether w is a terminal (progress then redraws one line).
	isTTY func(w io.Writer) bool
	// openURL opens a URL in the user's browser.
	openURL func(url string) error
	// configDir is os.UserConfigDir.
	configDir func() (string, error)
	getenv    func(string) string
	// clientOpts are added to the client's options (tests inject a sleep).
	clientOpts []client.Option
}

// name is the command's name in messages.
const name = "zndraw-auth-login"

// userAgent names the tool on the approval page.
const userAgent = "zndraw-auth-login (zndraw-auth-go)"

const usage = `Usage:
  zndraw-auth-login [login] -server URL [-open] [-print-token] [-token-file PATH] [-timeout D]
  zndraw-auth-login status [-server URL] [-token-file PATH]
  zndraw-auth-login token  [-server URL] [-token-file PATH]
  zndraw-auth-login logout [-server URL] [-token-file PATH]
  zndraw-auth-login -version

login   logs in through the browser and saves a token for the server
status  shows the saved logins and whether each token still works
token   prints the saved token of a server
logout  revokes the token on the server and deletes its file

-server defaults to $ZNDRAW_AUTH_SERVER.
`

// run dispatches to the subcommand (login by default) and returns the exit
// status.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "login":
			return a.login(ctx, args[1:])
		case "status":
			return a.status(ctx, args[1:])
		case "token":
			return a.token(args[1:])
		case "logout":
			return a.logout(ctx, args[1:])
		case "help", "-h", "-help", "--help":
			fmt.Fprint(a.stdout, usage)
			return 0
		case "version", "-version", "--version":
			fmt.Fprintln(a.stdout, version.Line(name))
			return 0
		}
	}
	return a.login(ctx, args)
}

// fail prints a message prefixed with the command's name and returns 1.
func (a *app) fail(format string, args ...any) int {
	fmt.Fprintf(a.stderr, name+": "+format+"\n", args...)
	return 1
}

// newClient is the command's client for server.
func (a *app) newClient(server string) *client.Client {
	return client.New(server, append([]client.Option{client.WithUserAgent(userAgent)}, a.clientOpts...)...)
}
