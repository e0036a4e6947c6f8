package core

import (
	"fmt"
	"slices"
	"strings"
)

// hostEnvNames are the ZNDRAW_AUTH_* variables read outside Settings, so
// that LoadSettingsFromEnv does not call them unknown: TRUSTED_PROXIES by
// the example servers (httpapi.ParseTrustedProxies), SERVER by the login
// command, TEST_POSTGRES_DSN by the kit's own tests.
var hostEnvNames = []string{"TRUSTED_PROXIES", "SERVER", "TEST_POSTGRES_DSN"}

// unknownEnvWarnings returns one warning for each ZNDRAW_AUTH_* variable of
// env (upper-cased names) that is not in known, naming the closest known
// variable: a misspelt setting would otherwise be silently ignored.
func unknownEnvWarnings(env map[string]string, known map[string]bool) []string {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range known {
			if !yield(k) {
				return
			}
		}
	})
	for _, n := range hostEnvNames {
		names = append(names, EnvPrefix+n)
	}
	var warnings []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range env {
			if !yield(k) {
				return
			}
		}
	}) {
		if slices.Contains(names, name) {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("%s is not a setting of the kit and is ignored (did you mean %s?)",
			name, closest(name, names)))
	}
	return warnings
}

// closest returns the candidate with the smallest edit distance to name
// (the first of equals).
func closest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if d := editDistance(strings.TrimPrefix(name, EnvPrefix), strings.TrimPrefix(c, EnvPrefix)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// settingsErrors joins the problems found in settings into one error whose
// message is one line ("; " between them), so a startup error prints as one
// line; errors.Is and errors.As still see each.
func settingsErrors(errs []error) error {
	var kept []error
	for _, err := range errs {
		if err != nil {
			kept = append(kept, err)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return errorList(kept)
}

type errorList []error

func (l errorList) Error() string {
	msgs := make([]string, len(l))
	for i, err := range l {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (l errorList) Unwrap() []error { return l }
