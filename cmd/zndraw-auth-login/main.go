// Command zndraw-auth-login logs a command-line user in to a zndraw-auth
// server through the browser (the CLI device-code login):
//
//	zndraw-auth-login -server https://zndraw.example.com [-open] [-print-token]
//
// It starts a CLI login, prints the code and the approval URL (and opens it
// with -open), waits while the user signs in and approves in the browser,
// and saves the access token with mode 0600 to
// $XDG_CONFIG_HOME/zndraw-auth/token (os.UserConfigDir; -token-file
// overrides it). With -print-token the token is written to standard output
// instead, and everything else goes to standard error, so
//
//	TOKEN=$(zndraw-auth-login -server URL -print-token)
//
// works. Exit status: 0 logged in, 1 failed (denied, expired, network), 2
// bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/zincware/zndraw-auth-go/client"
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

// userAgent names the tool on the approval page.
const userAgent = "zndraw-auth-login (zndraw-auth-go)"

func (a *app) run(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("zndraw-auth-login", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	server := fs.String("server", a.getenv("ZNDRAW_AUTH_SERVER"), "base URL of the zndraw-auth server (default $ZNDRAW_AUTH_SERVER)")
	open := fs.Bool("open", false, "open the approval page in the browser")
	printToken := fs.Bool("print-token", false, "print the token to standard output instead of saving it; messages go to standard error")
	tokenFile := fs.String("token-file", "", "where to save the token (default <user config dir>/zndraw-auth/token)")
	timeout := fs.Duration("timeout", 15*time.Minute, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: zndraw-auth-login -server URL [-open] [-print-token] [-token-file PATH]\n\n"+
			"Logs in through the browser and saves an access token.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *server == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if !strings.HasPrefix(*server, "http://") && !strings.HasPrefix(*server, "https://") {
		fmt.Fprintf(a.stderr, "zndraw-auth-login: -server must be an http:// or https:// URL, not %q\n", *server)
		return 2
	}
	path := *tokenFile
	if !*printToken && path == "" {
		p, err := defaultTokenPath(a.configDir)
		if err != nil {
			fmt.Fprintf(a.stderr, "zndraw-auth-login: %v (use -token-file or -print-token)\n", err)
			return 1
		}
		path = p
	}

	msg := a.stdout
	if *printToken {
		msg = a.stderr
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	c := client.New(*server, append([]client.Option{client.WithUserAgent(userAgent)}, a.clientOpts...)...)

	ch, err := c.StartCLILogin(ctx)
	if err != nil {
		fmt.Fprintf(a.stderr, "zndraw-auth-login: starting the login at %s: %v\n", *server, err)
		return 1
	}
	fmt.Fprintf(msg, "To log in, open this page in a browser where you can sign in:\n\n    %s\n\n", ch.ApproveURL)
	fmt.Fprintf(msg, "and check that it shows the code  %s\n", ch.Code)
	fmt.Fprintf(msg, "Approve only if you started this login yourself.\n\n")
	if *open {
		if err := a.openURL(ch.ApproveURL); err != nil {
			fmt.Fprintf(msg, "(Could not open a browser: %v. Open the page yourself.)\n\n", err)
		}
	}

	prog := newProgress(msg, a.isTTY(msg), ch.ExpiresIn)
	prog.start()
	token, err := c.WaitCLILogin(ctx, ch, prog.tick)
	prog.done()
	if err != nil {
		switch {
		case errors.Is(err, client.ErrChallengeNotFound):
			fmt.Fprintln(a.stderr, "zndraw-auth-login: the login was denied in the browser (or its code was already used).")
		case errors.Is(err, client.ErrChallengeExpired):
			fmt.Fprintln(a.stderr, "zndraw-auth-login: the code expired before anyone approved it; run the command again.")
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintf(a.stderr, "zndraw-auth-login: gave up after %s.\n", *timeout)
		case errors.Is(err, context.Canceled):
			fmt.Fprintln(a.stderr, "zndraw-auth-login: interrupted.")
		default:
			fmt.Fprintf(a.stderr, "zndraw-auth-login: %v\n", err)
		}
		return 1
	}

	who := "the approving user"
	if me, err := c.Me(ctx, token); err == nil {
		who = me.Email
	}
	if *printToken {
		fmt.Fprintf(msg, "Logged in as %s.\n", who)
		fmt.Fprintln(a.stdout, token)
		return 0
	}
	if err := saveToken(path, token); err != nil {
		fmt.Fprintf(a.stderr, "zndraw-auth-login: saving the token: %v\n", err)
		return 1
	}
	fmt.Fprintf(msg, "Logged in as %s. The token is saved in %s\n", who, path)
	return 0
}
