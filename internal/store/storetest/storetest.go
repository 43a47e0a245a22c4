// Package storetest gives each test its own PostgreSQL database, copied from
// a template migrated once per test binary from the same embedded migrations
// the server uses. The cluster is the machine's PostgreSQL, started under a
// temp dir with fsync off, or the server named by QUIRE_TEST_DATABASE_URL.
//
// With CI=true a missing PostgreSQL fails the test; elsewhere it skips.
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/devpg"
	"quire/internal/store"
)

// harness is the per-test-binary state. It is created by Main and lives for
// the whole run, which is why it is package state: testing gives TestMain no
// other way to hand it to tests.
type harness struct {
	once     sync.Once
	err      error
	cluster  *devpg.Cluster
	adminURL string // a URL to a maintenance database
	template string
	mu       sync.Mutex // CREATE DATABASE … TEMPLATE wants a quiet template
	seq      atomic.Int64
	prefix   string
	tmpDir   string
}

var h = &harness{}

// Main runs the package's tests and stops the cluster after them. Call it
// from TestMain: func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	h.shutdown()
	return code
}

func (h *harness) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h.prefix = fmt.Sprintf("qt%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	if url := os.Getenv("QUIRE_TEST_DATABASE_URL"); url != "" {
		h.adminURL = url
	} else {
		sweep(ctx)
		dir, err := os.MkdirTemp("", testDirPrefix)
		if err != nil {
			return err
		}
		h.tmpDir = dir
		// The binary owns its cluster for its whole life: should it die
		// before Main stops it, the lock goes with it and the next run's
		// sweep finds the cluster abandoned.
		c, err := devpg.Start(ctx, dir+"/pg", devpg.Options{NoFsync: true, Owner: true})
		if err != nil {
			return err
		}
		h.cluster = c
		h.adminURL = c.URL("postgres")
	}
	h.template = h.prefix + "_tpl"
	if err := h.exec(ctx, "CREATE DATABASE "+h.template); err != nil {
		return err
	}
	s, err := store.Open(ctx, withDB(h.adminURL, h.template))
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Migrate(ctx, slog.New(slog.DiscardHandler))
}

// testDirPrefix names the temporary folder of each test binary's cluster.
const testDirPrefix = "quire-test-pg-"

// sweep stops and removes the clusters of earlier test binaries that died
// without stopping theirs: a test that panics ends its binary before
// Main's shutdown. A folder younger than a minute is passed over, as its
// binary may not hold its lock yet; one whose binary lives is left alone
// (devpg.StopAbandoned).
func sweep(ctx context.Context) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), testDirPrefix+"*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < time.Minute {
			continue
		}
		if free, err := devpg.StopAbandoned(ctx, filepath.Join(d, "pg")); err == nil && free {
			_ = os.RemoveAll(d)
		}
	}
}

func (h *harness) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, h.adminURL)
	if err != nil {
		return fmt.Errorf("connecting to test PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func (h *harness) shutdown() {
	if h.cluster != nil {
		_ = h.cluster.Stop()
		_ = os.RemoveAll(h.tmpDir)
		return
	}
	if h.adminURL != "" && h.template != "" && h.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = h.exec(ctx, "DROP DATABASE IF EXISTS "+h.template)
	}
}

// URL returns the connection URL of a fresh, migrated database for tb,
// dropped at the end of the test when the server is not our own.
func URL(tb testing.TB) string {
	tb.Helper()
	h.once.Do(func() { h.err = h.start() })
	if h.err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("test PostgreSQL unavailable (CI=true makes this a failure): %v", h.err)
		}
		tb.Skipf("test PostgreSQL unavailable: %v", h.err)
	}
	name := fmt.Sprintf("%s_%d", h.prefix, h.seq.Add(1))
	ctx := context.Background()
	h.mu.Lock()
	err := h.exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, h.template))
	h.mu.Unlock()
	if err != nil {
		tb.Fatalf("creating test database: %v", err)
	}
	if h.cluster == nil {
		tb.Cleanup(func() { _ = h.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	}
	return withDB(h.adminURL, name)
}

// New returns a Store on a fresh database, closed when the test ends.
func New(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), URL(tb))
	if err != nil {
		tb.Fatalf("opening test database: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// withDB replaces the database name in a postgres:// URL.
func withDB(url, db string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	hostPart, tail, _ := strings.Cut(rest, "/")
	query := ""
	if i := strings.IndexByte(tail, '?'); i >= 0 {
		query = tail[i:]
	}
	return scheme + "://" + hostPart + "/" + db + query
}
