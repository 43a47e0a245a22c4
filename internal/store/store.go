// Package store holds every SQL query Quire runs, one file per aggregate.
// Functions take a context; a missing row is apperr.ErrNotFound, never
// (nil, nil); writes that span aggregates run in Transact.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"quire/internal/apperr"
	"quire/migrations"
)

// DB is the subset of pgx shared by the pool and a transaction, so helpers
// compose inside and outside Transact.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Store wraps the connection pool.
type Store struct {
	Pool *pgxpool.Pool
}

// Open connects to url and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Fail fast when PostgreSQL is unreachable (a failover, a cut
		// network): a request answers 503 rather than hanging.
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default, max(4, cores), is two connections a core for
		// pages and eleven job workers (ten, plus one newsletter send that
		// keeps its connection): a few slow jobs could leave pages waiting.
		cfg.MaxConns = DefaultMaxConns()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return &Store{Pool: pool}, nil
}

// DefaultMaxConns is each node's pool size when DATABASE_URL does not set
// pool_max_conns: room for the job workers and the pages at once. Several
// nodes multiply it; docs/SCALING.md says how it meets max_connections.
func DefaultMaxConns() int32 { return int32(max(16, 4*runtime.NumCPU())) }

// Close closes the pool.
func (s *Store) Close() { s.Pool.Close() }

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.Pool.Ping(ctx) }

// Transact runs fn in a transaction, committing if it returns nil.
func (s *Store) Transact(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.Pool, fn)
}

func newGoose(s *Store) (*goose.Provider, func() error, error) {
	db := stdlib.OpenDBFromPool(s.Pool)
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db.Close, nil
}

// Migrate applies every pending migration. A PostgreSQL advisory lock keeps
// several nodes starting at once from racing.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	p, closeDB, err := newGoose(s)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	for _, r := range res {
		if log != nil {
			log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	return s.MigrateRiver(ctx, log)
}

// MigrationStatus describes one migration for `quire migrate status`.
type MigrationStatus struct {
	Version int64
	File    string
	Applied bool
}

// MigrationStatuses lists every migration and whether it is applied.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, closeDB, err := newGoose(s)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, len(st))
	for i, m := range st {
		out[i] = MigrationStatus{Version: m.Source.Version, File: m.Source.Path, Applied: m.State == goose.StateApplied}
	}
	return out, nil
}

// notFound maps pgx.ErrNoRows to the sentinel.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.ErrNotFound
	}
	return err
}

// isUnique reports whether err violates the unique constraint or index name.
func isUnique(err error, name string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (name == "" || pe.ConstraintName == name)
}
