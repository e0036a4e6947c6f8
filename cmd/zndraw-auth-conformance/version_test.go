package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestVersionFlag: -version prints the kit's version and exits 0 without
// needing -base-url.
func TestVersionFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "zndraw-auth-conformance ") || !strings.Contains(stdout.String(), "zndraw-auth-go") {
		t.Errorf("stdout %q", stdout.String())
	}
}
