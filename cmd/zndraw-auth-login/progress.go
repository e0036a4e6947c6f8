package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// plainEvery is how often the waiting line is repeated when the output is
// not a terminal (a log file should not get a line per second).
const plainEvery = 10 * time.Second

// progress shows that the command is waiting: on a terminal one line
// redrawn with \r every second, elsewhere a plain line every plainEvery.
type progress struct {
	w         io.Writer
	tty       bool
	expiresIn time.Duration
	lastPlain time.Duration
	drawn     bool
}

func newProgress(w io.Writer, tty bool, expiresIn time.Duration) *progress {
	return &progress{w: w, tty: tty, expiresIn: expiresIn}
}

func (p *progress) start() {
	if p.tty {
		p.tick(0)
		return
	}
	fmt.Fprintln(p.w, "Waiting for approval in the browser...")
}

// tick is WaitCLILogin's onTick.
func (p *progress) tick(elapsed time.Duration) {
	if !p.tty {
		if elapsed-p.lastPlain >= plainEvery {
			p.lastPlain = elapsed
			fmt.Fprintf(p.w, "Still waiting for approval (%s)\n", clock(elapsed))
		}
		return
	}
	line := "Waiting for approval in the browser... " + clock(elapsed)
	if p.expiresIn > 0 {
		left := max(p.expiresIn-elapsed, 0)
		line += " (code expires in " + clock(left) + ")"
	}
	// \033[K clears what a longer previous line left behind.
	fmt.Fprintf(p.w, "\r%s\033[K", line)
	p.drawn = true
}

// done ends the redrawn line.
func (p *progress) done() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// isTerminal reports whether w is a character device (a terminal), as
// opposed to a file or a pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
