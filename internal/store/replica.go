package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Replica is a streaming replica that takes reads which may be slightly
// stale (anonymous page views). It is usable only while its measured lag
// stays within MaxLag and it answers; otherwise reads go to the primary.
type Replica struct {
	Pool   *pgxpool.Pool
	MaxLag time.Duration
	log    *slog.Logger

	usable atomic.Bool
	lag    atomic.Int64 // nanoseconds, last measured

	mu      sync.Mutex
	samples []lsnAt // the primary's WAL position over the last moments
}

type lsnAt struct {
	at  time.Time
	lsn int64
}

// OpenReplica connects lazily to url: a replica that is down at start-up
// does not stop the node, it is just not used until Run sees it answer.
func OpenReplica(url string, maxLag time.Duration, log *slog.Logger) (*Replica, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replica{Pool: pool, MaxLag: maxLag, log: log}, nil
}

// Close closes the replica's pool.
func (r *Replica) Close() { r.Pool.Close() }

// Usable reports whether reads may go to the replica now.
func (r *Replica) Usable() bool { return r.usable.Load() }

// Lag returns the replica's last measured lag behind the primary.
func (r *Replica) Lag() time.Duration { return time.Duration(r.lag.Load()) }

// Run measures the lag every interval until ctx ends. The lag is how long
// ago the primary was at a WAL position the replica has not yet replayed:
// zero when it has replayed everything the primary had written, and it
// grows with time (not bytes) while it falls behind.
func (r *Replica) Run(ctx context.Context, primary *pgxpool.Pool, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r.check(ctx, primary)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Replica) check(ctx context.Context, primary *pgxpool.Pool) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	lag, err := r.measure(cctx, primary)
	if err != nil {
		if r.usable.Swap(false) {
			r.log.Warn("read replica unusable; reads go to the primary", "err", err)
		}
		return
	}
	r.lag.Store(int64(lag))
	ok := lag <= r.MaxLag
	if was := r.usable.Swap(ok); was != ok {
		r.log.Warn("read replica usable changed", "usable", ok, "lag", lag.String(), "max_lag", r.MaxLag.String())
	}
}

func (r *Replica) measure(ctx context.Context, primary *pgxpool.Pool) (time.Duration, error) {
	var p int64
	if err := primary.QueryRow(ctx, `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&p); err != nil {
		return 0, err
	}
	now := time.Now()
	var replayed *int64 // NULL: not in recovery (the URL names a primary)
	if err := r.Pool.QueryRow(ctx, `SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&replayed); err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, lsnAt{now, p})
	// Keep what can still matter: samples past twice the bound only ever
	// prove a lag already too large.
	for len(r.samples) > 1 && now.Sub(r.samples[0].at) > 2*r.MaxLag+time.Second {
		r.samples = r.samples[1:]
	}
	if replayed == nil || *replayed >= p {
		return 0, nil
	}
	// The oldest moment the primary was past what the replica replayed.
	for _, s := range r.samples {
		if s.lsn > *replayed {
			return now.Sub(s.at), nil
		}
	}
	return 0, nil
}

// DB returns a store.DB that reads from the replica and, should a query
// find it unreachable, marks it unusable and asks the primary instead.
// Exec always goes to the primary.
func (r *Replica) DB(primary *pgxpool.Pool) DB { return replicaDB{r: r, primary: primary} }

type replicaDB struct {
	r       *Replica
	primary *pgxpool.Pool
}

func (d replicaDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return d.primary.Exec(ctx, sql, args...)
}

func (d replicaDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := d.r.Pool.Query(ctx, sql, args...)
	if err != nil && unreachable(err) {
		d.r.usable.Store(false)
		return d.primary.Query(ctx, sql, args...)
	}
	return rows, err
}

func (d replicaDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return fallbackRow{first: d.r.Pool.QueryRow(ctx, sql, args...), fallback: func() pgx.Row {
		d.r.usable.Store(false)
		return d.primary.QueryRow(ctx, sql, args...)
	}}
}

// fallbackRow scans the replica's row, or the primary's when the replica
// could not be reached.
type fallbackRow struct {
	first    pgx.Row
	fallback func() pgx.Row
}

func (f fallbackRow) Scan(dest ...any) error {
	err := f.first.Scan(dest...)
	if err != nil && unreachable(err) {
		return f.fallback().Scan(dest...)
	}
	return err
}
