package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/core/password"
	"github.com/zincware/zndraw-auth-go/internal/bench"
)

type scaleConfig struct {
	bigUsers, bigRevoked, checks int
	dir                          string
}

// scaleData is one bulk-loaded PostgreSQL schema with tokens of its users.
type scaleData struct {
	name                   string
	users, revoked         int
	store                  *bench.Store
	tokens                 []string
	settings               core.Settings
	services               []*core.Service // one per variant
	perCheck               [][]float64     // per variant, per round: µs per check
	loadUsers, loadRevoked time.Duration
}

// tokensPerConfig is how many tokens, of as many distinct random users,
// the checks cycle through; the same in both configurations, so that they
// differ only in the size of the tables.
const tokensPerConfig = 1000

// scaleRun compares the cost of a token check on PostgreSQL with 1k users
// and no revocations against bigUsers users and bigRevoked revocations.
// Both schemas are loaded first, then the measurements alternate between
// them, five rounds after a warm-up, medians kept.
func scaleRun(cfg scaleConfig) error {
	if os.Getenv(bench.PostgresDSNEnv) == "" {
		return bench.ErrNoPostgres
	}
	ctx := context.Background()
	configs := []*scaleData{
		{name: "small", users: 1000, revoked: 0},
		{name: "large", users: cfg.bigUsers, revoked: cfg.bigRevoked},
	}
	defer func() {
		for _, d := range configs {
			if d.store != nil {
				if err := d.store.Close(); err != nil {
					fmt.Fprintln(os.Stderr, "drop schema:", err)
				}
			}
		}
	}()
	for _, d := range configs {
		if err := d.load(ctx); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		fmt.Printf("loaded %s: %d users in %s, %d revoked tokens in %s (schema %s)\n",
			d.name, d.users, d.loadUsers.Round(time.Millisecond), d.revoked, d.loadRevoked.Round(time.Millisecond), d.store.Schema)
	}
	for _, d := range configs {
		for _, v := range scaleVariants {
			svc, err := bench.NewService(d.store, d.settingsFor(v), password.TestParams)
			if err != nil {
				return err
			}
			d.services = append(d.services, svc)
			d.perCheck = append(d.perCheck, nil)
		}
	}
	const rounds = 5
	for round := range rounds + 1 { // round 0 warms up
		for _, d := range configs {
			for i, svc := range d.services {
				us, err := d.measure(ctx, svc, cfg.checks)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", d.name, scaleVariants[i].name, err)
				}
				if round > 0 {
					d.perCheck[i] = append(d.perCheck[i], us)
				}
			}
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nvariant\tusers\trevoked\tµs/check\tchecks/s\tratio large/small\ttarget\t")
	for i, v := range scaleVariants {
		small := bench.Median(configs[0].perCheck[i])
		for _, d := range configs {
			us := bench.Median(d.perCheck[i])
			ratio, tgt := "", ""
			if d != configs[0] {
				ratio = fmt.Sprintf("%.2f", us/small)
				tgt = verdict(us/small <= 1.2, "≤ 1.2")
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.0f\t%s\t%s\t\n", v.name, d.users, d.revoked, us, 1e6/us, ratio, tgt)
		}
	}
	return tw.Flush()
}

// scaleVariant is one way of running the Service in the scale run.
type scaleVariant struct {
	name  string
	tweak func(*core.Settings)
}

// scaleVariants are the Service configurations measured.
var scaleVariants = []scaleVariant{
	{"default settings (caches on)", func(*core.Settings) {}},
	{"UserCacheTTL=0 (PostgreSQL read every check)", func(s *core.Settings) { s.UserCacheTTL = 0 }},
}

func (d *scaleData) settingsFor(v scaleVariant) core.Settings {
	s := d.settings
	v.tweak(&s)
	return s
}

// measure runs checks token checks, cycling through the tokens, and
// returns the mean time of one in µs.
func (d *scaleData) measure(ctx context.Context, svc *core.Service, checks int) (float64, error) {
	start := time.Now()
	for i := range checks {
		if _, err := svc.CurrentUser(ctx, d.tokens[i%len(d.tokens)], core.AccessActive); err != nil {
			return 0, err
		}
	}
	return float64(time.Since(start).Microseconds()) / float64(checks), nil
}

// load creates the schema, bulk-loads users and revocations with COPY, and
// mints tokens for tokensPerConfig random users.
func (d *scaleData) load(ctx context.Context) error {
	st, err := bench.OpenStore(ctx, bench.Postgres, "")
	if err != nil {
		return err
	}
	d.store = st
	d.settings = bench.Settings()
	conn, err := pgx.Connect(ctx, st.URL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)

	// Every user gets the same (valid, cheap) hash: only the rows' count
	// and size matter here.
	hash, err := password.New(password.TestParams).Hash(ctx, bench.UserPassword)
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, d.users)
	t := time.Now()
	i := 0
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"user"},
		[]string{"id", "email", "hashed_password", "is_active", "is_superuser", "is_verified", "token_version"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == d.users {
				return nil, nil
			}
			ids[i] = uuid.New()
			row := []any{pgtype.UUID{Bytes: ids[i], Valid: true}, fmt.Sprintf("user%07d@scale.example.com", i), hash, true, false, true, int64(0)}
			i++
			return row, nil
		}))
	if err != nil {
		return fmt.Errorf("copy users: %w", err)
	}
	if int(n) != d.users {
		return fmt.Errorf("copied %d users, want %d", n, d.users)
	}
	d.loadUsers = time.Since(t)

	t = time.Now()
	exp := time.Now().UTC().Add(time.Hour)
	j := 0
	var b [16]byte
	n, err = conn.CopyFrom(ctx, pgx.Identifier{"zndraw_auth_revoked_token"}, []string{"jti", "expires_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if j == d.revoked {
				return nil, nil
			}
			j++
			_, _ = rand.Read(b[:])
			return []any{base64.RawURLEncoding.EncodeToString(b[:]), exp}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy revocations: %w", err)
	}
	if int(n) != d.revoked {
		return fmt.Errorf("copied %d revocations, want %d", n, d.revoked)
	}
	if _, err := conn.Exec(ctx, `ANALYZE "user"; ANALYZE zndraw_auth_revoked_token`); err != nil {
		return err
	}
	d.loadRevoked = time.Since(t)

	// Tokens shaped like the kit's, of distinct random users.
	sample := make([]uuid.UUID, min(tokensPerConfig, d.users))
	for i, j := range mrand.Perm(len(ids))[:len(sample)] {
		sample[i] = ids[j]
	}
	d.tokens, err = bench.MintTokens(d.settings, sample, len(sample))
	return err
}
