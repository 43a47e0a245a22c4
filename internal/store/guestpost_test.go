package store_test

import (
	"context"
	"log/slog"
	"testing"

	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestGuestMigrationDownUp: the guest-post migration goes down and up
// again cleanly, leaving the posts table as it found it.
func TestGuestMigrationDownUp(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var latest int64
	if err := st.Pool.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	// Versions may have gaps (each branch owns its numbers), so the next
	// one down is read back after every step.
	for v := latest; v >= 6; {
		if got, err := store.DownOne(ctx, st); err != nil || got != v {
			t.Fatalf("down from %d: %d %v", v, got, err)
		}
		if err := st.Pool.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_name = 'posts' AND column_name LIKE 'guest%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("guest columns left: %d %v", n, err)
	}
	if err := st.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
}
