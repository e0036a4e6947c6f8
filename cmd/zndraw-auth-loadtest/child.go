package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"time"

	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

// The server runs in a child process (this program, re-executed with
// -serve), so that its peak RSS (VmHWM) is its own: the load generator's
// buffers and latency samples do not count, and every adapter × store
// starts from a fresh heap.

// ready is the child's first line on stdout.
type ready struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
	Error string `json:"error,omitempty"`
}

// rssReport answers an "rss" line on stdin: the child's memory figures and
// the CPU time it has used so far.
type rssReport struct {
	HWMKiB int64         `json:"vmhwm_kib"`
	RSSKiB int64         `json:"vmrss_kib"`
	CPU    time.Duration `json:"cpu_ns"`
}

// serveChild is the child's main: it builds the fixture on store with the
// real password parameters, serves adapter on a loopback port, prints a
// ready line, answers "rss" lines with its memory figures, and exits when
// stdin closes.
func serveChild(adapterName, storeName, dir string) error {
	out := json.NewEncoder(os.Stdout)
	fail := func(err error) error {
		_ = out.Encode(ready{Error: err.Error()})
		return err
	}
	ctx := context.Background()
	adapter, ok := bench.AdapterByName(adapterName)
	if !ok {
		return fail(fmt.Errorf("unknown adapter %q", adapterName))
	}
	st, err := bench.OpenStore(ctx, bench.StoreKind(storeName), dir)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	fx, err := bench.NewFixture(ctx, st, password.DefaultParams)
	if err != nil {
		return fail(err)
	}
	srv, err := adapter.New(fx.Service)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if err := out.Encode(ready{Addr: ln.Addr().String(), Token: fx.Token}); err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "rss" {
			hwm, rss := memoryFigures()
			if err := out.Encode(rssReport{HWMKiB: hwm, RSSKiB: rss, CPU: cpuTime()}); err != nil {
				return err
			}
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(sctx), <-served)
}

// process is this program re-executed as a child: its stdout carries JSON
// lines, and it exits when its stdin closes.
type process struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *json.Decoder
}

// startProcess runs this program with args, and env added to the
// environment.
func startProcess(args, env []string) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &process{cmd: cmd, stdin: stdin, out: json.NewDecoder(stdout)}, nil
}

// stop closes the child's stdin and waits for it to exit.
func (p *process) stop() error {
	_ = p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.Join(errors.New("server did not stop in 30 s; killed"), <-done)
	}
}

// child is a running server process.
type child struct {
	*process
	ready ready
}

// startChild starts this program as a server of adapter on store.
func startChild(adapter string, store bench.StoreKind, dir string) (*child, error) {
	p, err := startProcess([]string{"-serve", "-adapter", adapter, "-store", string(store), "-dir", dir}, nil)
	if err != nil {
		return nil, err
	}
	c := &child{process: p}
	if err := c.out.Decode(&c.ready); err != nil {
		_ = c.stop()
		return nil, fmt.Errorf("server %s/%s: %w", adapter, store, err)
	}
	if c.ready.Error != "" {
		_ = c.stop()
		return nil, fmt.Errorf("server %s/%s: %s", adapter, store, c.ready.Error)
	}
	return c, nil
}

// rss asks the child for its memory figures.
func (c *child) rss() (rssReport, error) {
	var r rssReport
	if _, err := io.WriteString(c.stdin, "rss\n"); err != nil {
		return r, err
	}
	err := c.out.Decode(&r)
	return r, err
}
