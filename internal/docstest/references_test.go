package docstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outsideReference matches citations of documents that are not part of
// the repository: the behaviour contract and the security review the kit
// was built from (section signs, requirement ids) and their folder.
var outsideReference = regexp.MustCompile(`CONTRACT|SECURITY(\.md)? ?(§|[A-Z]{2,5}-\d|decision)|shared/|(^|[^A-Za-z0-9])(ADM|AUTH|DC|IMP|JWT|OIDCC|OPS|PW|REL|SES|TOK)-\d+\b|(^|[^C0-9] )§\d`)

// TestNoReferencesOutsideTheRepository: code comments, docs, test names and
// messages state their rules in the repository's own words (or cite its
// docs); nobody reading the repository has the documents it was built from.
func TestNoReferencesOutsideTheRepository(t *testing.T) {
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("no git checkout to list the files of: %v", err)
	}
	files := 0
	for _, rel := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if skipFile(rel) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted in the working tree
			}
			t.Fatal(err)
		}
		files++
		for i, line := range strings.Split(string(data), "\n") {
			if m := outsideReference.FindString(line); m != "" && !strings.Contains(line, "RFC") {
				t.Errorf("%s:%d: %q cites a document outside the repository: %s", rel, i+1, m, strings.TrimSpace(line))
			}
		}
	}
	if files < 100 {
		t.Fatalf("read only %d files", files)
	}
}

// skipFile reports the files the check does not read: binary files, the
// license, and this package's tests (they spell the patterns out).
func skipFile(rel string) bool {
	return rel == "LICENSE" || strings.HasSuffix(rel, ".png") || strings.HasPrefix(rel, "internal/docstest/") && strings.HasSuffix(rel, "_test.go")
}
