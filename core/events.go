package core

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// SecurityEventMessage is the message of every security event the Service
// logs, through the logger given with WithLogger. The Service is the one
// place that logs them, once each, in one shape:
//
//	msg=SecurityEventMessage event=<name> <the event's attributes> client_ip=… user_agent=…
//
// where the attributes at the end are RequestMeta.LogAttrs. Successful
// events (login, logout, register, update, …) are logged at Info; failed
// logins, failed CLI code lookups and failed resets at Warn, aggregated per
// key and window: the 1st, 10th, 100th, … failure of a window is logged,
// with its count, so a flood adds a handful of lines; a limit that starts
// refusing is logged once per key and window. Passwords, tokens, secrets,
// CLI codes and the addresses typed into a login form are never logged.
// Route these lines elsewhere (an audit file, a SIEM) with a slog.Handler
// that matches this message.
const SecurityEventMessage = "zndraw-auth: security event"

// event logs one security event (see SecurityEventMessage).
func (s *Service) event(ctx context.Context, level slog.Level, name string, meta RequestMeta, attrs ...slog.Attr) {
	ma := meta.LogAttrs()
	all := make([]slog.Attr, 0, 1+len(attrs)+len(ma))
	all = append(all, slog.String("event", name))
	all = append(all, attrs...)
	all = append(all, ma...)
	s.log.LogAttrs(ctx, level, SecurityEventMessage, all...)
}

// userAttr is the user_id attribute of an event.
func userAttr(id uuid.UUID) slog.Attr { return slog.String("user_id", id.String()) }

// milestone reports whether the n-th failure of a window is logged: the
// 1st, 10th, 100th, 1000th, …
func milestone(n int64) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

// failure counts one failure of key in its window and logs event name at
// the milestones, with the count and the window's end. A store that cannot
// count gets the line logged anyway, without a count.
func (s *Service) failure(ctx context.Context, key string, window time.Duration, name string, meta RequestMeta, attrs ...slog.Attr) {
	n, end, err := s.store.IncrementCounter(ctx, "fail:"+key, window, s.now())
	if err != nil {
		s.event(ctx, slog.LevelWarn, name, meta, append(attrs, slog.String("count_error", err.Error()))...)
		return
	}
	if milestone(n) {
		s.event(ctx, slog.LevelWarn, name, meta, append(attrs, slog.Int64("count", n), slog.Time("window_end", end))...)
	}
}
