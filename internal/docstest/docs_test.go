package docstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository's root directory.
const root = "../.."

// TestDocsCompile builds, in a module of its own that requires the kit,
// every Go snippet of README.md and docs/*.md and the non-test files of
// every example server, and runs go vet on them. It needs no network: the
// module's requirements come from the kit's go.mod and go.sum, and the
// modules from the local module cache.
func TestDocsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds every snippet and example in a separate module")
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, d := range docs {
		rel, _ := filepath.Rel(root, d)
		files = append(files, rel)
	}

	mod := t.TempDir()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/newcomer\n\ngo 1.26.0\n\nrequire github.com/zincware/zndraw-auth-go v0.0.0\n\n" +
		"replace github.com/zincware/zndraw-auth-go => " + abs + "\n"
	write(t, filepath.Join(mod, "go.mod"), gomod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(mod, "go.sum"), string(sum))

	// where maps a directory of the module back to what it holds.
	where := map[string]string{}
	count := 0
	for _, f := range files {
		snippets, err := Extract(root, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range snippets {
			if s.Fragment && !s.Annotated {
				t.Errorf("%s:%d: a Go fragment without a <!-- go-fragment: PARAMS --> comment on the line before its fence", s.File, s.Line)
				continue
			}
			dir := fmt.Sprintf("snippet_%s_%d", sanitize(f), s.Line)
			write(t, filepath.Join(mod, dir, "snippet.go"), s.Source())
			where[dir] = fmt.Sprintf("%s:%d", s.File, s.Line)
			count++
		}
	}
	if count < 8 {
		t.Fatalf("found only %d Go snippets in %v", count, files)
	}
	examples, err := filepath.Glob(filepath.Join(root, "examples", "*", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range examples {
		src := filepath.Dir(m)
		dir := "examples/" + filepath.Base(src)
		entries, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
				data, err := os.ReadFile(filepath.Join(src, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				write(t, filepath.Join(mod, dir, e.Name()), string(data))
			}
		}
		where[dir] = dir + " copied into a module of its own"
	}

	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go vet of %d snippets and %d examples failed: %v\n%s", count, len(examples), err, explain(string(out), where))
	}
	t.Logf("%d snippets of %d files and %d examples compile and pass go vet", count, len(files), len(examples))
}

// explain prefixes each error line of go vet's output with the markdown
// file and line the snippet came from.
func explain(out string, where map[string]string) string {
	dirOf := regexp.MustCompile(`(snippet_[A-Za-z0-9_.]+_\d+|examples/[a-z]+)`)
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if m := dirOf.FindString(l); m != "" && where[m] != "" {
			b.WriteString("[" + where[m] + "] ")
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
