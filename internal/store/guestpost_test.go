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
	// Versions need not be consecutive (branches take numbers ahead).
	for v := latest; v > 6; {
		got, err := store.DownOne(ctx, st)
		if err != nil || got > v || got < 6 {
			t.Fatalf("down from %d: %d %v", v, got, err)
		}
		v = got
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
