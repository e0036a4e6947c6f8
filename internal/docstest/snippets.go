package docstest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Snippet is one Go code block of a markdown file.
type Snippet struct {
	File string // the markdown file, relative to the repository
	Line int    // the line of the opening fence
	Code string
	// Fragment is set for code without a package clause; Annotated when a
	// go-fragment comment precedes it, Params the parameters it declares.
	Fragment, Annotated bool
	Params              string
}

var fragmentComment = regexp.MustCompile(`^<!--\s*go-fragment:(.*)-->$`)

// Extract returns the Go code blocks of the markdown file at root/rel.
func Extract(root, rel string) ([]Snippet, error) {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	var out []Snippet
	var cur *Snippet
	var code []string
	prev := ""
	for i, text := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(text)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &Snippet{File: rel, Line: i + 1}
			if m := fragmentComment.FindStringSubmatch(strings.TrimSpace(prev)); m != nil {
				cur.Annotated, cur.Params = true, strings.TrimSpace(m[1])
			}
			code = nil
		case cur != nil && trimmed == "```":
			cur.Code = strings.Join(code, "\n") + "\n"
			cur.Fragment = !isFile(cur.Code)
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			code = append(code, text)
		}
		prev = text
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: unclosed code block", rel, cur.Line)
	}
	return out, nil
}

// isFile reports whether code starts with a package clause (after
// comments and blank lines).
func isFile(code string) bool {
	for _, l := range strings.Split(code, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		return strings.HasPrefix(l, "package ")
	}
	return false
}

// importsByName are the packages a fragment may use without importing them.
var importsByName = map[string]string{
	"context":     `"context"`,
	"errors":      `"errors"`,
	"fmt":         `"fmt"`,
	"http":        `"net/http"`,
	"log":         `"log"`,
	"os":          `"os"`,
	"slog":        `"log/slog"`,
	"strings":     `"strings"`,
	"time":        `"time"`,
	"gin":         `"github.com/gin-gonic/gin"`,
	"fiber":       `"github.com/gofiber/fiber/v2"`,
	"bun":         `"github.com/uptrace/bun"`,
	"client":      `"github.com/zincware/zndraw-auth-go/client"`,
	"conformance": `"github.com/zincware/zndraw-auth-go/conformance"`,
	"core":        `"github.com/zincware/zndraw-auth-go/core"`,
	"fiberauth":   `fiberauth "github.com/zincware/zndraw-auth-go/adapters/fiber"`,
	"ginauth":     `ginauth "github.com/zincware/zndraw-auth-go/adapters/gin"`,
	"hooks":       `"github.com/zincware/zndraw-auth-go/hooks"`,
	"httpapi":     `"github.com/zincware/zndraw-auth-go/httpapi"`,
	"nethttpauth": `nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"`,
	"password":    `"github.com/zincware/zndraw-auth-go/core/password"`,
	"serve":       `"github.com/zincware/zndraw-auth-go/serve"`,
	"bunstore":    `bunstore "github.com/zincware/zndraw-auth-go/storage/bun"`,
	"memstore":    `memstore "github.com/zincware/zndraw-auth-go/storage/memory"`,
}

// Source returns the Go file of a snippet: a file as it is, a fragment
// wrapped in a function with its parameters and the imports it uses.
func (s Snippet) Source() string {
	if !s.Fragment {
		return s.Code
	}
	var imports []string
	for name, path := range importsByName {
		if regexp.MustCompile(`\b` + name + `\.`).MatchString(s.Params + "\n" + s.Code) {
			imports = append(imports, path)
		}
	}
	sort.Strings(imports)
	var b strings.Builder
	b.WriteString("package snippet\n\n")
	if len(imports) > 0 {
		b.WriteString("import (\n\t" + strings.Join(imports, "\n\t") + "\n)\n\n")
	}
	fmt.Fprintf(&b, "// From %s:%d.\nfunc _(%s) error {\n%s", s.File, s.Line, s.Params, s.Code)
	if !endsWithReturn(s.Code) {
		b.WriteString("return nil\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func endsWithReturn(code string) bool {
	lines := strings.Split(strings.TrimSpace(code), "\n")
	return strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "return ")
}
