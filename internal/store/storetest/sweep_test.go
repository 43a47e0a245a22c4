package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/devpg"
)

// TestSweep: a cluster left running by a test binary that died (its lock
// gone) is stopped and its folder removed by the next binary's sweep; a
// young folder is passed over.
func TestSweep(t *testing.T) {
	if _, err := devpg.FindBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dead, err := os.MkdirTemp("", testDirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dead) })
	c, err := devpg.Start(ctx, filepath.Join(dead, "pg"), devpg.Options{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	young, err := os.MkdirTemp("", testDirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(young) })

	old := time.Now().Add(-5 * time.Minute)
	if err := os.Chtimes(dead, old, old); err != nil {
		t.Fatal(err)
	}
	sweep(ctx)
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the abandoned cluster's folder is still there: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a folder younger than a minute was swept: %v", err)
	}
	if conn, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Error("the abandoned cluster still answers")
	}
}
