package docstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	dir := t.TempDir()
	md := "# T\n\n```go\npackage main\n\nfunc main() {}\n```\n\n<!-- go-fragment: ctx context.Context, svc *core.Service -->\n```go\n" +
		"if err := svc.EnsureDefaultAdmin(ctx); err != nil {\n\treturn fmt.Errorf(\"admin: %w\", err)\n}\n```\n\n```go\nx := 1\n```\n\n```sh\ngo test\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Extract(dir, "a.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d snippets: %+v", len(got), got)
	}
	if got[0].Fragment || got[0].Line != 3 || got[0].Source() != "package main\n\nfunc main() {}\n" {
		t.Errorf("file: %+v", got[0])
	}
	frag := got[1]
	if !frag.Fragment || !frag.Annotated || frag.Params != "ctx context.Context, svc *core.Service" {
		t.Errorf("fragment: %+v", frag)
	}
	src := frag.Source()
	for _, want := range []string{"package snippet", `"context"`, `"fmt"`, `"github.com/zincware/zndraw-auth-go/core"`,
		"func _(ctx context.Context, svc *core.Service) error {", "return nil\n}"} {
		if !strings.Contains(src, want) {
			t.Errorf("wrapped fragment lacks %q:\n%s", want, src)
		}
	}
	if strings.Contains(src, "net/http") {
		t.Errorf("an import the fragment does not use:\n%s", src)
	}
	if !got[2].Fragment || got[2].Annotated {
		t.Errorf("a fragment without its comment: %+v", got[2])
	}

	if err := os.WriteFile(filepath.Join(dir, "b.md"), []byte("```go\npackage x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(dir, "b.md"); err == nil {
		t.Error("an unclosed block is an error")
	}
}
