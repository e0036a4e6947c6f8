package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Constants of the CLI login challenge, as zndraw-auth draws codes.
const (
	CLICodeLength   = 8
	CLICodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// CLIChallengeCreated is what the CLI gets when it starts a login. Secret is
// shown only here; the store keeps its digest.
type CLIChallengeCreated struct {
	Code      string
	Secret    string
	ExpiresIn time.Duration
	Interval  time.Duration
}

// CLIPollResult is the answer to a poll: pending, or approved with the token
// (handed out exactly once).
type CLIPollResult struct {
	Status ChallengeStatus
	Token  string
}

// CreateCLIChallenge starts a CLI (device-code) login: a random 8-character
// code from A–Z0–9 and a 256-bit secret, valid for Settings.CLILoginLifetime.
// A code collision is retried. The requesting client's IP and user agent are
// recorded for the approval page, made safe for every store and for display
// first (invalid UTF-8, control and bidirectional characters replaced by
// U+FFFD, at most 64 and 512 bytes).
func (s *Service) CreateCLIChallenge(ctx context.Context, meta RequestMeta) (CLIChallengeCreated, error) {
	if err := s.limitIP(ctx, "cli", meta, time.Hour, s.settings.RateLimit.CLILoginCreatePerIPPerHour); err != nil {
		return CLIChallengeCreated{}, err
	}
	s.maybePurge(ctx)
	secret := randomSecret()
	now := s.now()
	for attempt := 0; ; attempt++ {
		c := Challenge{
			Code:       randomCode(),
			SecretHash: hashSecret(secret),
			Status:     ChallengePending,
			CreatedAt:  now,
			ExpiresAt:  now.Add(s.settings.CLILoginLifetime),
			ClientIP:   storedText(meta.ClientIP, maxStoredClientIP),
			UserAgent:  storedText(meta.UserAgent, maxStoredUserAgent),
		}
		_, err := s.store.CreateChallenge(ctx, c)
		if err == nil {
			return CLIChallengeCreated{Code: c.Code, Secret: secret, ExpiresIn: s.settings.CLILoginLifetime, Interval: s.settings.CLILoginPollInterval}, nil
		}
		if !errors.Is(err, ErrAlreadyExists) || attempt == 4 {
			return CLIChallengeCreated{}, s.storeErr("create CLI challenge", err)
		}
	}
}

// PollCLIChallenge is the CLI's poll: an unknown code, a wrong secret, or a
// redeemed or rejected challenge is ErrChallengeNotFound; an expired one
// ErrChallengeExpired; polling faster than Settings.CLILoginPollInterval
// ErrTooManyRequests. An approved challenge is redeemed by one conditional
// write and its token minted then, for the approver re-checked at that
// moment (active, and verified when Settings.RequireVerification is set;
// otherwise ErrChallengeNotFound): of concurrent polls exactly one gets the
// token.
//
// Challenges a zndraw-auth service created or approved in the same
// database complete here too: their plain secret is compared in constant
// time like the kit's digest, and the token zndraw-auth stored at approval
// is handed out (once, and cleared by the same write) when it still works
// for the approver; otherwise a token is minted as for the kit's own.
func (s *Service) PollCLIChallenge(ctx context.Context, code, secret string, meta RequestMeta) (CLIPollResult, error) {
	c, err := s.store.GetChallenge(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	if err != nil {
		return CLIPollResult{}, s.storeErr("poll CLI challenge", err)
	}
	if !secretMatches(secret, c.SecretHash) {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	// A rejected challenge answers 404 whatever its expiry, as the
	// reference's deleted row does; only pending and approved ones expire.
	if c.Status != ChallengePending && c.Status != ChallengeApproved {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	now := s.now()
	if c.Expired(now) {
		return CLIPollResult{}, ErrChallengeExpired
	}
	if s.settings.RateLimit.Enabled && s.settings.CLILoginPollInterval > 0 {
		ok, err := s.store.RecordChallengePoll(ctx, code, now, s.settings.CLILoginPollInterval)
		if errors.Is(err, ErrNotFound) {
			return CLIPollResult{}, ErrChallengeNotFound
		}
		if err != nil {
			return CLIPollResult{}, s.storeErr("poll CLI challenge", err)
		}
		if !ok {
			return CLIPollResult{}, tooMany(s.settings.CLILoginPollInterval)
		}
	}
	if c.Status == ChallengePending {
		return CLIPollResult{Status: ChallengePending}, nil
	}
	if c.UserID == nil {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	approver, err := s.activeUser(ctx, *c.UserID)
	if errors.Is(err, ErrUnauthorized) {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	if err != nil {
		return CLIPollResult{}, err
	}
	if s.settings.RequireVerification && !approver.IsVerified {
		// The approver lost their verification (an email change) since
		// approving: no token for them, as no login would give one.
		return CLIPollResult{}, ErrChallengeNotFound
	}
	redeemed, err := s.store.RedeemChallenge(ctx, code, c.SecretHash, now)
	if errors.Is(err, ErrNotFound) {
		return CLIPollResult{}, ErrChallengeNotFound
	}
	if err != nil {
		return CLIPollResult{}, s.storeErr("poll CLI challenge", err)
	}
	token := redeemed.LegacyToken
	if token == "" || !s.tokenOf(ctx, token, approver) {
		sess, err := s.mintAccess(approver, AudienceAuth, nil)
		if err != nil {
			return CLIPollResult{}, err
		}
		token = sess.AccessToken
	}
	s.event(ctx, slog.LevelInfo, "login", meta, userAttr(approver.ID), slog.String("method", "cli"), slog.Int64("challenge_id", redeemed.ID))
	if h := s.hooks.OnCLILoginRedeemed; h != nil {
		s.afterHook(ctx, "OnCLILoginRedeemed", h(ctx, forHooks(redeemed), approver, meta))
	}
	return CLIPollResult{Status: ChallengeApproved, Token: token}, nil
}

// tokenOf reports whether token is a working access token of u (not an
// impersonation token): the check a token zndraw-auth stored at approval
// must pass before a poll hands it out. One that does not (signed with
// another secret, revoked, for another user) is replaced by a token minted
// for the approver, whom the poll has just re-checked.
func (s *Service) tokenOf(ctx context.Context, token string, u User) bool {
	p, err := s.CurrentUser(ctx, token, AccessActive)
	return err == nil && p.User.ID == u.ID && !p.Token.Impersonated()
}

// secretMatches reports whether secret is the one a challenge stores as
// stored: the kit's "sha256:<hex>" digest, or the plain secret zndraw-auth
// stores. Both compare digests of equal length in constant time, so neither
// the secret nor its length leaks through timing.
func secretMatches(secret, stored string) bool {
	if stored == "" {
		return false
	}
	if strings.HasPrefix(stored, secretDigestPrefix) {
		return subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(stored)) == 1
	}
	a, b := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(stored))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// forHooks is c as hooks see it: never a plain secret (zndraw-auth's, as
// its digest) nor a stored token.
func forHooks(c Challenge) Challenge {
	if c.SecretHash != "" && !strings.HasPrefix(c.SecretHash, secretDigestPrefix) {
		c.SecretHash = hashSecret(c.SecretHash)
	}
	c.LegacyToken = ""
	return c
}

// ApproveCLIChallenge approves a pending challenge for the principal (the
// reference's PATCH): a missing or not-pending challenge is
// ErrChallengeNotFound, an expired pending one ErrChallengeExpired. The
// transition is one conditional write, so of concurrent approvals exactly
// one wins. Impersonation tokens cannot
// approve (ErrForbidden). Codes that match nothing count against the
// caller's and the client IP's budgets of failed code lookups (see
// RateLimitSettings.CLICodeFailuresPerUserPerHour).
func (s *Service) ApproveCLIChallenge(ctx context.Context, p *Principal, code string, meta RequestMeta) error {
	if p.Token.Impersonated() {
		return ErrForbidden
	}
	meta = meta.WithActor(p)
	res, err := s.startCodeLookup(ctx, p, meta)
	if err != nil {
		return err
	}
	now := s.now()
	c, err := s.store.ApproveChallenge(ctx, code, p.User.ID, now)
	if errors.Is(err, ErrNotFound) {
		err = s.classifyChallenge(ctx, code, now)
	} else if err != nil {
		err = s.storeErr("approve CLI challenge", err)
	}
	s.endCodeLookup(ctx, res, err, p, "approve", meta)
	if err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, "cli_login_approved", meta, userAttr(p.User.ID), slog.Int64("challenge_id", c.ID),
		slog.String("requested_from", c.ClientIP))
	if h := s.hooks.OnCLILoginApproved; h != nil {
		s.afterHook(ctx, "OnCLILoginApproved", h(ctx, forHooks(c), p.User, meta))
	}
	return nil
}

// classifyChallenge explains why a pending challenge could not be approved.
func (s *Service) classifyChallenge(ctx context.Context, code string, now time.Time) error {
	c, err := s.store.GetChallenge(ctx, code)
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrChallengeNotFound
	case err != nil:
		return s.storeErr("approve CLI challenge", err)
	case c.Status == ChallengePending && c.Expired(now):
		return ErrChallengeExpired
	default:
		return ErrChallengeNotFound
	}
}

// RejectCLIChallenge rejects a pending challenge, or an approved (not yet
// redeemed) one that the caller approved; a superuser (with their own
// token, not an impersonation token) may reject any approved one. The row
// is kept for audit. Anything else is ErrChallengeNotFound, which counts as
// a failed code lookup like in ApproveCLIChallenge.
func (s *Service) RejectCLIChallenge(ctx context.Context, p *Principal, code string, meta RequestMeta) error {
	meta = meta.WithActor(p)
	res, err := s.startCodeLookup(ctx, p, meta)
	if err != nil {
		return err
	}
	approvedBy := &p.User.ID
	if p.User.IsSuperuser && !p.Token.Impersonated() {
		approvedBy = nil
	}
	c, err := s.store.RejectChallenge(ctx, code, approvedBy, s.now())
	if errors.Is(err, ErrNotFound) {
		err = ErrChallengeNotFound
	} else if err != nil {
		err = s.storeErr("reject CLI challenge", err)
	}
	s.endCodeLookup(ctx, res, err, p, "reject", meta)
	if err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, "cli_login_rejected", meta, userAttr(p.User.ID), slog.Int64("challenge_id", c.ID))
	if h := s.hooks.OnCLILoginRejected; h != nil {
		s.afterHook(ctx, "OnCLILoginRejected", h(ctx, forHooks(c), p.User, meta))
	}
	return nil
}

// startCodeLookup reserves one lookup of a CLI code typed by p against the
// budgets of failed lookups per user and per client IP.
func (s *Service) startCodeLookup(ctx context.Context, p *Principal, meta RequestMeta) (*reservation, error) {
	rl := s.settings.RateLimit
	user := userAttr(p.User.ID)
	budgets := []budget{{key: "cli:code:user:" + p.User.ID.String(), max: rl.CLICodeFailuresPerUserPerHour,
		event: "cli_code_limited", attrs: []slog.Attr{slog.String("per", "user"), user}}}
	if meta.ClientIP != "" {
		budgets = append(budgets, budget{key: "cli:code:ip:" + s.ipBucket(meta.ClientIP), max: rl.CLICodeFailuresPerIPPerHour,
			event: "cli_code_limited", attrs: []slog.Attr{slog.String("per", "ip"), user}})
	}
	return s.reserve(ctx, time.Hour, meta, budgets...)
}

// endCodeLookup settles a reserved code lookup: a code that matched no
// usable challenge keeps the attempt and is logged (cli_code_failed,
// aggregated per user and hour; the code itself is never logged); anything
// else hands it back.
func (s *Service) endCodeLookup(ctx context.Context, res *reservation, err error, p *Principal, op string, meta RequestMeta) {
	if errors.Is(err, ErrChallengeNotFound) {
		s.failure(ctx, "cli:code:user:"+p.User.ID.String(), time.Hour, "cli_code_failed", meta,
			slog.String("op", op), userAttr(p.User.ID))
		return
	}
	res.release(ctx)
}

func randomCode() string {
	// Rejection sampling keeps every character uniform over the alphabet.
	const limit = 256 - 256%len(CLICodeAlphabet)
	out := make([]byte, 0, CLICodeLength)
	var buf [16]byte
	for len(out) < CLICodeLength {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if int(b) < limit && len(out) < CLICodeLength {
				out = append(out, CLICodeAlphabet[int(b)%len(CLICodeAlphabet)])
			}
		}
	}
	return string(out)
}

// randomSecret is secrets.token_urlsafe(32): 43 base64url characters.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// secretDigestPrefix marks a stored secret that is the kit's digest.
const secretDigestPrefix = "sha256:"

// hashSecret is the stored form of a challenge secret.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return secretDigestPrefix + hex.EncodeToString(sum[:])
}

const purgeEvery = time.Minute

// maybePurge runs Purge at most once a minute, on the request path of
// challenge creation and of rate-limited requests, so tables stay bounded
// without a timer.
func (s *Service) maybePurge(ctx context.Context) {
	now := s.now().Unix()
	last := s.lastPurge.Load()
	if now-last < int64(purgeEvery/time.Second) || !s.lastPurge.CompareAndSwap(last, now) {
		return
	}
	if err := s.Purge(ctx); err != nil {
		s.log.WarnContext(ctx, "zndraw-auth: purge failed", "error", err)
	}
}

// Purge deletes what is no longer needed: challenges that expired more than
// Settings.CLILoginRetention ago, revocations of tokens that have expired
// (plus the leeway), ended rate-limit windows and familiar sources past
// RateLimit.FamiliarSourceLifetime. Call it from a timer in long-running
// hosts; challenge creation and rate-limited requests also call it, at most
// once a minute.
func (s *Service) Purge(ctx context.Context) error {
	now := s.now()
	_, err1 := s.store.PurgeChallenges(ctx, now.Add(-s.settings.CLILoginRetention))
	_, err2 := s.store.PurgeRevocations(ctx, now.Add(-s.settings.JWTLeeway))
	_, err3 := s.store.PurgeCounters(ctx, now)
	var err4 error
	if lt := s.settings.RateLimit.FamiliarSourceLifetime; lt > 0 {
		_, err4 = s.store.PurgeSources(ctx, now.Add(-lt))
	}
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return fmt.Errorf("zndraw-auth: purge: %w", err)
	}
	return nil
}

// CLIChallengeInfo describes a challenge for an approval screen: what the
// user needs to decide, never its secret.
type CLIChallengeInfo struct {
	Code      string
	Status    ChallengeStatus
	ClientIP  string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
	// Expired and TimeLeft are computed with the Service's clock.
	Expired  bool
	TimeLeft time.Duration
}

// DescribeCLIChallenge returns what an approval page shows p about code:
// ErrChallengeNotFound for an unknown code (a failed code lookup, counted
// like in ApproveCLIChallenge), ErrServiceUnavailable on an outage.
func (s *Service) DescribeCLIChallenge(ctx context.Context, p *Principal, code string, meta RequestMeta) (CLIChallengeInfo, error) {
	res, err := s.startCodeLookup(ctx, p, meta)
	if err != nil {
		return CLIChallengeInfo{}, err
	}
	c, err := s.store.GetChallenge(ctx, code)
	if errors.Is(err, ErrNotFound) {
		err = ErrChallengeNotFound
	} else if err != nil {
		err = s.storeErr("describe CLI challenge", err)
	}
	s.endCodeLookup(ctx, res, err, p, "describe", meta)
	if err != nil {
		return CLIChallengeInfo{}, err
	}
	now := s.now()
	return CLIChallengeInfo{
		Code: c.Code, Status: c.Status, ClientIP: c.ClientIP, UserAgent: c.UserAgent,
		CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt, Expired: c.Expired(now), TimeLeft: c.ExpiresAt.Sub(now),
	}, nil
}
