package serve

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"

	"github.com/zincware/zndraw-auth-go/core"
)

// Outbox returns hooks that append every reset and verification token as a
// JSON line {"kind":"reset"|"verify","email":...,"token":...} to path
// (created with mode 0600).
//
// It is a development aid, so that a person or the conformance suite can
// complete the reset and verify flows without a mail server. Never use it
// in production: the file holds live tokens.
func Outbox(path string) core.Hooks {
	o := &outbox{path: path}
	return core.Hooks{
		OnAfterForgotPassword: func(_ context.Context, u core.User, token string, _ core.RequestMeta) error {
			return o.write("reset", u.Email, token)
		},
		OnAfterRequestVerify: func(_ context.Context, u core.User, token string, _ core.RequestMeta) error {
			return o.write("verify", u.Email, token)
		},
	}
}

type outbox struct {
	path string
	mu   sync.Mutex
}

type outboxLine struct {
	Kind  string `json:"kind"`
	Email string `json:"email"`
	Token string `json:"token"`
}

func (o *outbox) write(kind, email, token string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, err := os.OpenFile(o.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(outboxLine{kind, email, token})
	_, err = f.Write(append(line, '\n'))
	return errors.Join(err, f.Close())
}
