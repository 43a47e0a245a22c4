package jobs

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/jobargs"
)

// verifyLaterWorker starts the verification of a flood's batch of
// requests once the burst is over: one verification job per (source,
// post) pair, run at the linkback queue's pace like any other. Should it
// run twice (a retry after its insert committed), the second job of a
// pair finds nothing left to claim and ends.
type verifyLaterWorker struct {
	river.WorkerDefaults[jobargs.LinkbackVerifyLaterArgs]
	d Deps
}

func (w *verifyLaterWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackVerifyLaterArgs]) error {
	if len(j.Args.Pairs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(j.Args.Pairs))
	for i, p := range j.Args.Pairs {
		params[i] = river.InsertManyParams{Args: p}
	}
	client := river.ClientFromContext[pgx.Tx](ctx)
	return pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		_, err := client.InsertManyTx(ctx, tx, params)
		return err
	})
}
