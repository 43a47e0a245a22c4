package loadtest

import (
	"context"
	"testing"
	"time"

	"quire/internal/store/storetest"
)

// TestSettle: before a load, the comments table has been vacuumed and
// analysed and a checkpoint has run (the test cluster's role may
// CHECKPOINT), so that neither load of a comparison meets the other's
// leftovers.
func TestSettle(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var before int64
	if err := st.Pool.QueryRow(ctx, `SELECT num_requested FROM pg_stat_checkpointer`).Scan(&before); err != nil {
		// PostgreSQL before 17 counts them in pg_stat_bgwriter.
		if err := st.Pool.QueryRow(ctx, `SELECT checkpoints_req FROM pg_stat_bgwriter`).Scan(&before); err != nil {
			t.Fatal(err)
		}
	}
	ok, err := Settle(ctx, st)
	if err != nil || !ok {
		t.Fatalf("Settle: checkpointed %v, %v", ok, err)
	}
	var vacuumed, analysed bool
	if err := st.Pool.QueryRow(ctx, `SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL
		FROM pg_stat_user_tables WHERE relname = 'comments'`).Scan(&vacuumed, &analysed); err != nil {
		t.Fatal(err)
	}
	// The checkpointer counts the request in its statistics as it
	// finishes, which may be just after CHECKPOINT has returned (a clean
	// clone's CI saw 0 → 0 once): the count is read until it moves, for
	// at most five seconds.
	var after int64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := st.Pool.QueryRow(ctx, `SELECT num_requested FROM pg_stat_checkpointer`).Scan(&after); err != nil {
			if err := st.Pool.QueryRow(ctx, `SELECT checkpoints_req FROM pg_stat_bgwriter`).Scan(&after); err != nil {
				t.Fatal(err)
			}
		}
		if after > before || time.Now().After(deadline) {
			break
		}
	}
	if !vacuumed || !analysed || after <= before {
		t.Errorf("vacuumed %v, analysed %v, checkpoints requested %d → %d", vacuumed, analysed, before, after)
	}
}
