package main

import (
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
)

// openBrowser opens an http(s) URL with the platform's opener (xdg-open,
// open, or the Windows URL handler). Other schemes are refused: the URL
// comes from the server, and a file: or custom-scheme URL must not reach
// the opener.
func openBrowser(raw string) error {
	u, err := browserURL(raw)
	if err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u.String())
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u.String())
	default:
		cmd = exec.Command("xdg-open", u.String())
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// browserURL accepts only absolute http and https URLs.
func browserURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("not an http(s) URL: %q", raw)
	}
	return u, nil
}
