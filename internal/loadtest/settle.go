package loadtest

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/store"
)

// Settle puts PostgreSQL in the same state before every write load of a
// comparison (pgbench's, the comment form's), so that neither is charged
// with what the other left:
//   - the comments the last load wrote are vacuumed and analysed now, as
//     autovacuum would do within its minute, during whichever load came
//     next;
//   - a checkpoint writes the dirty pages now, so each load starts a
//     checkpoint cycle (and pays the same full-page writes) instead of
//     meeting the one the load before it set off.
//
// A role that may not CHECKPOINT (PostgreSQL before 15 without
// superuser, or without pg_checkpoint) skips it: checkpointed reports
// whether it ran.
func Settle(ctx context.Context, st *store.Store) (checkpointed bool, err error) {
	if _, err := st.Pool.Exec(ctx, `VACUUM (ANALYZE) comments`); err != nil {
		return false, err
	}
	_, err = st.Pool.Exec(ctx, `CHECKPOINT`)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" { // insufficient_privilege
		return false, nil
	}
	return err == nil, err
}
