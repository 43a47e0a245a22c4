package store_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"

	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestGuestMigrationDownUp: the guest-post migration goes down and up
// again cleanly, leaving the posts table as it found it.
func TestGuestMigrationDownUp(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	// Versions need not be contiguous (branches take numbers in parallel).
	rows, err := st.Pool.Query(ctx, `SELECT DISTINCT version_id FROM goose_db_version WHERE version_id >= 6 ORDER BY 1 DESC`)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if got, err := store.DownOne(ctx, st); err != nil || got != v {
			t.Fatalf("down from %d: %d %v", v, got, err)
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
