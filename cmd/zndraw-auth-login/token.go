package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// savedLogin is one token file: the server it is for, so that logins to
// several servers live side by side and a token is never sent to another
// server.
type savedLogin struct {
	Server      string    `json:"server"`
	Email       string    `json:"email,omitempty"`
	AccessToken string    `json:"access_token"`
	SavedAt     time.Time `json:"saved_at"`
}

// tokenDir is <user config dir>/zndraw-auth/tokens, where the default
// token files live, one per server.
func tokenDir(configDir func() (string, error)) (string, error) {
	dir, err := configDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory: %w", err)
	}
	return filepath.Join(dir, "zndraw-auth", "tokens"), nil
}

// normalizeServer returns the canonical form of a server URL: lower-case
// scheme and host, no default port, no trailing slash, no query. Two
// spellings of one server share one token file.
func normalizeServer(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-server must be an http:// or https:// URL, not %q", raw)
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// fileName is the token file's name for a normalized server:
// https_zndraw.example.com.json, http_127.0.0.1_8000.json.
func fileName(server string) string {
	var b strings.Builder
	for _, c := range strings.Replace(server, "://", "_", 1) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	return b.String() + ".json"
}

// loadLogin reads the token file at path; fs.ErrNotExist when there is
// none.
func loadLogin(path string) (*savedLogin, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l savedLogin
	if err := json.Unmarshal(data, &l); err != nil || l.Server == "" || l.AccessToken == "" {
		return nil, fmt.Errorf("%s is not a token file of zndraw-auth-login", path)
	}
	return &l, nil
}

// listLogins returns the token files of dir, by server.
func listLogins(dir string) (map[string]*savedLogin, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]*savedLogin{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if l, err := loadLogin(path); err == nil {
			out[path] = l
		}
	}
	return out, nil
}

// sortedPaths returns the keys of logins ordered by server.
func sortedPaths(logins map[string]*savedLogin) []string {
	paths := make([]string, 0, len(logins))
	for p := range logins {
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool { return logins[paths[i]].Server < logins[paths[j]].Server })
	return paths
}

// saveLogin writes l to path with mode 0600, creating the directory with
// mode 0700. The file is written under a temporary name (created 0600) and
// renamed into place, so the token is never readable by others, not even
// for a moment, and a crash leaves the old file intact.
func saveLogin(path string, l savedLogin) (err error) {
	if l.AccessToken == "" || l.Server == "" {
		return errors.New("empty token or server")
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, own := range []string{dir, filepath.Dir(dir)} {
		if filepath.Base(own) == "zndraw-auth" || filepath.Base(own) == "tokens" {
			// Our own directories: make sure nobody else can list them.
			if err := os.Chmod(own, 0o700); err != nil {
				return err
			}
		}
	}
	f, err := os.CreateTemp(dir, ".token-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
