package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// defaultTokenPath is <user config dir>/zndraw-auth/token.
func defaultTokenPath(configDir func() (string, error)) (string, error) {
	dir, err := configDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory: %w", err)
	}
	return filepath.Join(dir, "zndraw-auth", "token"), nil
}

// saveToken writes token (and a newline) to path with mode 0600, creating
// the directory with mode 0700. The file is written under a temporary name
// (created 0600) and renamed into place, so the token is never readable by
// others, not even for a moment, and a crash leaves the old file intact.
func saveToken(path, token string) (err error) {
	if token == "" {
		return errors.New("empty token")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if filepath.Base(dir) == "zndraw-auth" {
		// Our own directory: make sure nobody else can list it.
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
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
	if _, err := f.WriteString(token + "\n"); err != nil {
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
