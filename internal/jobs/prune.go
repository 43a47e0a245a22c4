package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/commenting"
	"quire/internal/store"
)

// outboxKeep is how long the local outbox keeps mail.
const outboxKeep = 30 * 24 * time.Hour

// PruneArgs is the hourly housekeeping of comments and mail: spam older
// than the discussion setting's days is deleted (audited as done by Quire
// itself; 0 days turns this off, leaving it to the moderators' "empty
// spam" button), and outbox mail older than 30 days. River runs periodic
// jobs on its elected leader only, so one node does it.
type PruneArgs struct{}

// Kind names the job type.
func (PruneArgs) Kind() string { return "prune" }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	d Deps
}

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	st, err := commenting.LoadSettings(ctx, w.d.Pool)
	if err != nil {
		return err
	}
	now := time.Now()
	if st.SpamDays > 0 {
		err := pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
			_, err := store.EmptySpam(ctx, tx, 0, st.SpamDays, now, true)
			return err
		})
		if err != nil {
			return err
		}
	}
	_, err = store.PruneOutbox(ctx, w.d.Pool, now.Add(-outboxKeep))
	return err
}

// prunePeriodic schedules PruneArgs hourly, and once at start.
func prunePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "prune", RunOnStart: true})
}
