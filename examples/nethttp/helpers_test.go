package main

import (
	"flag"
	"log/slog"
	"testing"

	"github.com/zincware/zndraw-auth-go/serve"
)

func newFlags(t *testing.T, args ...string) *serve.Flags {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f := serve.NewFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
