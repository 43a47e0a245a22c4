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
		dir, err := os.MkdirTemp("", "quire-test-pg-")
		if err != nil {
			return err
		}
		h.tmpDir = dir
		c, err := devpg.Start(ctx, dir+"/pg", devpg.Options{NoFsync: true})
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
