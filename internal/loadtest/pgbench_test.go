package loadtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"quire/internal/store/storetest"
)

// TestPgbenchNeedsFreeConnections: a pgbench with more clients than the
// server has free connections is refused before it starts, with a message
// that says what to change, and before it creates its table (pgbench
// itself would fail part way, after the bench's earlier rounds).
func TestPgbenchNeedsFreeConnections(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var limit int
	if err := st.Pool.QueryRow(ctx, `SELECT current_setting('max_connections')::int`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit+1 > MaxConns {
		t.Skipf("max_connections %d: more than the kit's %d connections", limit, MaxConns)
	}
	_, err := Pgbench{Bin: "/nonexistent/pgbench", URL: "postgres://unused", Clients: limit + 1, Duration: time.Second}.Run(ctx, st, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "max_connections") || !strings.Contains(err.Error(), "--conns") {
		t.Fatalf("err = %v, want the free-connections refusal", err)
	}
	var exists bool
	if err := st.Pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, pgbenchTable).Scan(&exists); err != nil || exists {
		t.Errorf("pgbench's table created (%v, %v)", exists, err)
	}
}
