// Command outageproxy is a test rig for CI: a TCP proxy in front of a
// database that cuts every connection on SIGUSR1 (the database is gone, as
// far as the server behind it can tell) and comes back on SIGUSR2. CI runs
// the conformance CLI's outage case with
//
//	-outage-cmd "kill -USR1 $PID" -restore-cmd "kill -USR2 $PID"
//
// Usage: go run ./internal/outageproxy -listen 127.0.0.1:15432 -to 127.0.0.1:5432
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/zincware/zndraw-auth-go/internal/tcpproxy"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	to := flag.String("to", "", "address to forward to (required)")
	flag.Parse()
	if *to == "" {
		fmt.Fprintln(os.Stderr, "-to is required")
		os.Exit(2)
	}
	p, err := tcpproxy.Start(*listen, *to)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	log.Info("listening", "addr", p.Addr(), "to", *to)
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGINT, syscall.SIGTERM)
	for s := range sig {
		switch s {
		case syscall.SIGUSR1:
			p.Cut()
			log.Info("cut: every connection closed, new ones refused")
		case syscall.SIGUSR2:
			if err := p.Restore(); err != nil {
				log.Error("restore", "error", err)
				continue
			}
			log.Info("restored")
		default:
			p.Close()
			return
		}
	}
}
