package bunstore_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// referenceSQLiteURL writes a SQLite file laid out and filled as zndraw-auth
// leaves it (testdata/reference_sqlite.sql, then extra statements) through
// a plain connection, as the reference's own (foreign keys not enforced),
// and returns its URL.
func referenceSQLiteURL(t *testing.T, extra ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zndraw.db")
	raw, err := sql.Open(sqliteshim.ShimName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range append(readStatements(t, "testdata/reference_sqlite.sql"), extra...) {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("load reference SQLite schema: %v\n%s", err, q)
		}
	}
	return "sqlite:///" + path
}

// referencePostgresURL creates a fresh schema laid out and filled as
// zndraw-auth leaves it (testdata/reference_postgres.sql, then extra
// statements) and returns its URL.
func referencePostgresURL(t *testing.T, extra ...string) string {
	t.Helper()
	u := pgSchemaURL(t)
	db := openDB(t, u)
	for _, q := range append(readStatements(t, "testdata/reference_postgres.sql"), extra...) {
		// Through database/sql directly: the file is SQL, not a bun
		// query template.
		if _, err := db.DB.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("load reference PostgreSQL schema: %v\n%s", err, q)
		}
	}
	return u
}

// readStatements splits a SQL file into statements (it holds no ';' inside
// literals) and drops comment lines.
func readStatements(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var stmts []string
	for _, s := range strings.Split(strings.Join(lines, "\n"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// schemaOf describes every table, column, index and constraint of db's
// schema, one line each, in a stable order, so two schemas can be compared
// and a failed migration can be shown to have changed nothing.
func schemaOf(t *testing.T, db *bun.DB) []string {
	t.Helper()
	var queries []string
	if db.Dialect().Name() == dialect.PG {
		queries = []string{
			`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
				coalesce(character_maximum_length::text, '-') || ' null=' || is_nullable || ' default=' ||
				coalesce(column_default, '-')
			FROM information_schema.columns WHERE table_schema = current_schema()`,
			`SELECT 'index ' || indexname || ': ' || replace(indexdef, current_schema() || '.', '')
			FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT 'constraint ' || c.conname || ' on ' || r.relname || ': ' || pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
			WHERE r.relnamespace = current_schema()::regnamespace`,
		}
	} else {
		queries = []string{
			`SELECT 'table ' || m.name || ' column ' || p.name || ' ' || p.type || ' notnull=' || p."notnull" ||
				' default=' || coalesce(p.dflt_value, '-') || ' pk=' || p.pk
			FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`,
			`SELECT 'index ' || m.name || '.' || il.name || ' unique=' || il."unique" || ' columns=' ||
				(SELECT group_concat(coalesce(x.name, 'expr' || x.cid), ',') FROM pragma_index_info(il.name) x)
			FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table'`,
			`SELECT 'index ' || name || ' sql=' || coalesce(sql, '-') FROM sqlite_master
			WHERE type = 'index' AND sql LIKE '%lower(%'`,
			`SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' on delete ' || f.on_delete
			FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
		}
	}
	var out []string
	for _, q := range queries {
		rows, err := db.DB.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatalf("read schema: %v\n%s", err, q)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// diffLines describes how got differs from want, or returns "".
func diffLines(got, want []string) string {
	in := func(ss []string) map[string]bool {
		m := map[string]bool{}
		for _, s := range ss {
			m[s] = true
		}
		return m
	}
	g, w := in(got), in(want)
	var b strings.Builder
	for _, s := range want {
		if !g[s] {
			fmt.Fprintf(&b, "- %s\n", s)
		}
	}
	for _, s := range got {
		if !w[s] {
			fmt.Fprintf(&b, "+ %s\n", s)
		}
	}
	return b.String()
}
