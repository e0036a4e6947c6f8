package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zincware/zndraw-auth-go/client"
)

// target is the login a status, token or logout command is about.
type target struct {
	server, tokenFile string // from the flags ("" when not given)
}

// flags defines -server and -token-file on a subcommand's flag set.
func (a *app) flags(cmd string) (*flag.FlagSet, *target) {
	fl := flag.NewFlagSet(name+" "+cmd, flag.ContinueOnError)
	fl.SetOutput(a.stderr)
	t := &target{}
	fl.StringVar(&t.server, "server", a.getenv("ZNDRAW_AUTH_SERVER"), "the server (default $ZNDRAW_AUTH_SERVER)")
	fl.StringVar(&t.tokenFile, "token-file", "", "the token file (default <user config dir>/zndraw-auth/tokens/<server>.json)")
	fl.Usage = func() { fmt.Fprint(fl.Output(), usage) }
	return fl, t
}

// logins returns the saved logins t selects, by token file: the one of
// -token-file, the one of -server, or every saved login.
func (a *app) logins(t *target) (map[string]*savedLogin, error) {
	if t.tokenFile != "" {
		l, err := loadLogin(t.tokenFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]*savedLogin{t.tokenFile: l}, nil
	}
	dir, err := tokenDir(a.configDir)
	if err != nil {
		return nil, err
	}
	if t.server == "" {
		return listLogins(dir)
	}
	server, err := normalizeServer(t.server)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, fileName(server))
	l, err := loadLogin(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if l.Server != server {
		return nil, fmt.Errorf("%s holds the login for %s, not %s", path, l.Server, server)
	}
	return map[string]*savedLogin{path: l}, nil
}

// one parses the arguments of a subcommand about a single saved login and
// resolves it; l is nil and code the exit status when the arguments are
// wrong or there is no login or more than one.
func (a *app) one(cmd string, args []string) (path string, l *savedLogin, code int) {
	fl, t := a.flags(cmd)
	if code, done := parse(fl, args); done {
		return "", nil, code
	}
	logins, err := a.logins(t)
	if err != nil {
		return "", nil, a.fail("%v", err)
	}
	switch len(logins) {
	case 0:
		if t.server != "" {
			return "", nil, a.fail("not logged in to %s.", t.server)
		}
		return "", nil, a.fail("not logged in to any server.")
	case 1:
		for p, l := range logins {
			return p, l, 0
		}
	}
	fmt.Fprintf(a.stderr, "%s: logged in to several servers; choose one with -server:\n", name)
	for _, p := range sortedPaths(logins) {
		fmt.Fprintf(a.stderr, "    %s\n", logins[p].Server)
	}
	return "", nil, 2
}

// status shows the saved logins and asks each server whether the token
// still works. Exit 0 when every login shown is valid, 1 otherwise (or
// when there is none).
func (a *app) status(ctx context.Context, args []string) int {
	fl, t := a.flags("status")
	if code, done := parse(fl, args); done {
		return code
	}
	logins, err := a.logins(t)
	if err != nil {
		return a.fail("%v", err)
	}
	if len(logins) == 0 {
		if t.server != "" {
			fmt.Fprintf(a.stdout, "Not logged in to %s.\n", t.server)
		} else {
			fmt.Fprintln(a.stdout, "Not logged in to any server.")
		}
		return 1
	}
	code := 0
	for _, path := range sortedPaths(logins) {
		l := logins[path]
		state := "token valid"
		if me, err := a.newClient(l.Server).Me(ctx, l.AccessToken); err != nil {
			code = 1
			if errors.Is(err, client.ErrUnauthorized) {
				state = "token no longer valid (expired or revoked): log in again"
			} else {
				state = "could not check: " + err.Error()
			}
		} else {
			l.Email = me.Email
		}
		fmt.Fprintf(a.stdout, "%s: logged in as %s (%s; saved %s in %s)\n",
			l.Server, l.Email, state, l.SavedAt.Format("2006-01-02 15:04 MST"), path)
	}
	return code
}

// token prints the saved token of one server, for scripts.
func (a *app) token(args []string) int {
	_, l, code := a.one("token", args)
	if l == nil {
		return code
	}
	fmt.Fprintln(a.stdout, l.AccessToken)
	return 0
}

// logout revokes the token on its server and deletes the token file. When
// the server cannot be reached the file is kept: the token would stay
// valid there.
func (a *app) logout(ctx context.Context, args []string) int {
	path, l, code := a.one("logout", args)
	if l == nil {
		return code
	}
	err := a.newClient(l.Server).Logout(ctx, l.AccessToken)
	already := errors.Is(err, client.ErrUnauthorized)
	if err != nil && !already {
		return a.fail("revoking the token at %s: %v; the token still works there, so %s is kept (try again)", l.Server, err, path)
	}
	if err := os.Remove(path); err != nil {
		return a.fail("%v", err)
	}
	if already {
		fmt.Fprintf(a.stdout, "Logged out of %s: the token had already expired or been revoked; %s is deleted.\n", l.Server, path)
	} else {
		fmt.Fprintf(a.stdout, "Logged out of %s: the token is revoked and %s deleted.\n", l.Server, path)
	}
	return 0
}
