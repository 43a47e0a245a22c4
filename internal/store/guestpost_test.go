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
	// Versions may have gaps while branches with other numbers are apart.
	rows, err := st.Pool.Query(ctx, `SELECT DISTINCT version_id FROM goose_db_version WHERE version_id >= 6 ORDER BY 1 DESC`)
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
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
