package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/zincware/zndraw-auth-go/client"
)

// login is the default subcommand: the browser login, then the token saved
// (or printed).
func (a *app) login(ctx context.Context, args []string) int {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(a.stderr)
	server := flags.String("server", a.getenv("ZNDRAW_AUTH_SERVER"), "base URL of the zndraw-auth server (default $ZNDRAW_AUTH_SERVER)")
	open := flags.Bool("open", false, "open the approval page in the browser")
	printToken := flags.Bool("print-token", false, "print the token to standard output instead of saving it; messages go to standard error")
	tokenFile := flags.String("token-file", "", "where to save the token (default <user config dir>/zndraw-auth/tokens/<server>.json)")
	timeout := flags.Duration("timeout", 15*time.Minute, "give up after this long")
	showVersion := flags.Bool("version", false, "print the version and exit")
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), usage+"\nFlags of login:\n")
		flags.PrintDefaults()
	}
	if code, done := parse(flags, args); done {
		return code
	}
	if *showVersion {
		return a.run(ctx, []string{"-version"})
	}
	if *server == "" || flags.NArg() > 0 {
		flags.Usage()
		return 2
	}
	base, err := normalizeServer(*server)
	if err != nil {
		fmt.Fprintf(a.stderr, "%s: %v\n", name, err)
		return 2
	}
	path := *tokenFile
	if !*printToken {
		if path == "" {
			dir, err := tokenDir(a.configDir)
			if err != nil {
				return a.fail("%v (use -token-file or -print-token)", err)
			}
			path = filepath.Join(dir, fileName(base))
		}
		if l, err := loadLogin(path); err == nil && l.Server != base {
			return a.fail("%s holds the login for %s; log out of it first or use another -token-file", path, l.Server)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return a.fail("%v", err)
		}
	}

	msg := a.stdout
	if *printToken {
		msg = a.stderr
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	c := a.newClient(base)

	ch, err := c.StartCLILogin(ctx)
	if err != nil {
		return a.fail("starting the login at %s: %v", base, err)
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
			return a.fail("the login was denied in the browser (or its code was already used).")
		case errors.Is(err, client.ErrChallengeExpired):
			return a.fail("the code expired before anyone approved it; run the command again.")
		case errors.Is(err, context.DeadlineExceeded):
			return a.fail("gave up after %s.", *timeout)
		case errors.Is(err, context.Canceled):
			return a.fail("interrupted.")
		}
		return a.fail("%v", err)
	}

	who, email := "the approving user", ""
	if me, err := c.Me(ctx, token); err == nil {
		who, email = me.Email, me.Email
	}
	if *printToken {
		fmt.Fprintf(msg, "Logged in to %s as %s.\n", base, who)
		fmt.Fprintln(a.stdout, token)
		return 0
	}
	if err := saveLogin(path, savedLogin{Server: base, Email: email, AccessToken: token, SavedAt: time.Now().UTC()}); err != nil {
		return a.fail("saving the token: %v", err)
	}
	fmt.Fprintf(msg, "Logged in to %s as %s. The token is saved in %s\n", base, who, path)
	return 0
}

// parse parses args; done reports that the command ends here with code
// (after -h, or on bad flags).
func parse(flags *flag.FlagSet, args []string) (code int, done bool) {
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}
