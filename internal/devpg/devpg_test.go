package devpg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func query(t *testing.T, url, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var out string
	if err := conn.QueryRow(ctx, sql).Scan(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLifecycle: first start initialises, data survives a restart, a stale
// postmaster.pid from a crash is cleared, and a second owner is refused.
func TestLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	ctx, c := startOwner(t, dir)
	if err := c.CreateDatabase(ctx, "quire"); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(ctx, "quire"); err != nil {
		t.Fatalf("CreateDatabase is not idempotent: %v", err)
	}
	query(t, c.URL("quire"), "SELECT 'ok'")
	execSQL(t, c.URL("quire"), "CREATE TABLE kept AS SELECT 'survives'::text AS v")

	// A second owner of the same data dir is refused while the first runs.
	if _, err := Start(ctx, dir, Options{Owner: true}); err == nil || !strings.Contains(err.Error(), "another `quire serve`") {
		t.Errorf("second owner: %v", err)
	}
	// A non-owner joins without stopping it.
	j, err := Start(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := query(t, c.URL("quire"), "SELECT v FROM kept"); got != "survives" {
		t.Fatalf("after a joiner stopped: %q", got)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid left after a clean stop: %v", err)
	}

	// A crash leaves a postmaster.pid naming a dead process.
	stale := "999999\n" + dir + "\n1700000000\n5432\n\n\n"
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Start(ctx, dir, Options{NoFsync: true, Owner: true})
	if err != nil {
		t.Fatalf("restart after a crash: %v", err)
	}
	defer c.Stop()
	if got := query(t, c.URL("quire"), "SELECT v FROM kept"); got != "survives" {
		t.Errorf("after restart: %q", got)
	}
}

func TestSocketDirFitsTheKernelLimit(t *testing.T) {
	long := "/" + strings.Repeat("d", 200)
	if s := socketDir(long); len(s)+len("/.s.PGSQL.5432") > 107 {
		t.Errorf("socket path too long: %s", s)
	}
	if s := socketDir("/srv/quire/postgres"); s != "/srv/quire/postgres/run" {
		t.Errorf("short dir: %s", s)
	}
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// TestStopAbandoned: a server whose owner still holds the folder is left
// running; once the owner is gone without stopping it (its lock released,
// as when its process dies), the sweep stops it and calls the folder free.
func TestStopAbandoned(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	ctx, c := startOwner(t, dir)
	t.Cleanup(func() { _ = c.Stop() })
	if free, err := StopAbandoned(ctx, dir); free || err != nil || !c.running(ctx) {
		t.Fatalf("an owned server: free %v, err %v, running %v", free, err, c.running(ctx))
	}
	c.unlock() // the owner dies: the kernel drops its lock
	if free, err := StopAbandoned(ctx, dir); !free || err != nil || c.running(ctx) {
		t.Fatalf("an abandoned server: free %v, err %v, running %v", free, err, c.running(ctx))
	}
	if free, err := StopAbandoned(ctx, dir); !free || err != nil {
		t.Errorf("a stopped, unowned folder: free %v, err %v", free, err)
	}
}

// TestOwnerMakesTheParent: an owner may start in a folder whose parent
// does not exist yet; its lock, beside the folder, needs that parent.
func TestOwnerMakesTheParent(t *testing.T) {
	_, c := startOwner(t, filepath.Join(t.TempDir(), "new", "deeper", "pg"))
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

// startOwner starts a cluster in dir as its owner, as `quire serve` and
// the test harness do, and returns it with a context for the test's calls.
func startOwner(t *testing.T, dir string) (context.Context, *Cluster) {
	t.Helper()
	needBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	c, err := Start(ctx, dir, Options{NoFsync: true, Owner: true})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, c
}
