package hooks

import (
	"log/slog"

	"github.com/zincware/zndraw-auth-go/core"
)

// Audit returned hooks that logged one line per successful event. The
// Service now logs every security event itself, once, in one shape (see
// core.SecurityEventMessage), including the failures, lockouts and refused
// guesses that no hook ever sees; a second writer would log each event
// twice. Audit therefore returns an empty set, whatever the logger.
//
// To send the events to a logger of their own (an audit file, a SIEM),
// give core.New a logger whose slog.Handler routes the records with
// message core.SecurityEventMessage there.
//
// Deprecated: the Service logs security events itself; drop Audit from
// hooks.Compose.
func Audit(*slog.Logger) core.Hooks { return core.Hooks{} }
