package main

import (
	"context"
	"log/slog"
)

// Sender delivers a message to an email address. The example injects it
// into the welcome hook, so a test (or the host application) can swap the
// transport: SMTP, a mail API, a queue.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogSender is the default Sender: it only logs that a message would be
// sent (recipient and subject; the body may be long).
type LogSender struct {
	Logger *slog.Logger
}

// Send implements Sender.
func (s LogSender) Send(ctx context.Context, to, subject, _ string) error {
	s.Logger.InfoContext(ctx, "would send email", "to", to, "subject", subject)
	return nil
}
