package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/zincware/zndraw-auth-go/core"
)

// MemoryMailbox captures the reset and verify tokens the Service delivers
// (pass its Hooks to core.WithHooks), and is the Mailbox that reads them
// back. It is safe for concurrent use.
type MemoryMailbox struct {
	mu     sync.Mutex
	latest map[mailKey]string
}

type mailKey struct{ kind, email string }

var _ Mailbox = (*MemoryMailbox)(nil)

// NewMemoryMailbox returns an empty mailbox.
func NewMemoryMailbox() *MemoryMailbox {
	return &MemoryMailbox{latest: make(map[mailKey]string)}
}

func (m *MemoryMailbox) put(kind, email, token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.latest[mailKey{kind, strings.ToLower(email)}] = token
}

// Hooks returns the delivery hooks that fill the mailbox:
// OnAfterForgotPassword and OnAfterRequestVerify.
func (m *MemoryMailbox) Hooks() core.Hooks {
	return core.Hooks{OnAfterForgotPassword: m.forgotPassword, OnAfterRequestVerify: m.requestVerify}
}

// forgotPassword records a reset token for user.Email.
func (m *MemoryMailbox) forgotPassword(_ context.Context, user core.User, token string, _ core.RequestMeta) error {
	m.put(MailReset, user.Email, token)
	return nil
}

// requestVerify records a verification token for user.Email.
func (m *MemoryMailbox) requestVerify(_ context.Context, user core.User, token string, _ core.RequestMeta) error {
	m.put(MailVerify, user.Email, token)
	return nil
}

// Token returns the latest token of kind sent to email.
func (m *MemoryMailbox) Token(_ context.Context, kind, email string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tok, ok := m.latest[mailKey{kind, strings.ToLower(email)}]
	if !ok {
		return "", fmt.Errorf("%s token for %s: %w", kind, email, ErrNoMail)
	}
	return tok, nil
}

// OutboxFile is a Mailbox reading a file of JSON lines
// {"kind":"reset"|"verify","email":...,"token":...}, as the example
// server's -outbox flag appends them. The file is read on every call; the
// last matching line wins, lines that are not such objects are ignored, and
// a missing file holds no tokens.
func OutboxFile(path string) Mailbox { return outboxFile(path) }

type outboxFile string

type outboxLine struct {
	Kind  string `json:"kind"`
	Email string `json:"email"`
	Token string `json:"token"`
}

func (p outboxFile) Token(_ context.Context, kind, email string) (string, error) {
	f, err := os.Open(string(p))
	if os.IsNotExist(err) {
		return "", fmt.Errorf("%s token for %s: %w", kind, email, ErrNoMail)
	}
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found := ""
	for sc.Scan() {
		var l outboxLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if l.Kind == kind && strings.EqualFold(l.Email, email) && l.Token != "" {
			found = l.Token
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if found == "" {
		return "", fmt.Errorf("%s token for %s: %w", kind, email, ErrNoMail)
	}
	return found, nil
}
