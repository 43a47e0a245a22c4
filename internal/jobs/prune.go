package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// outboxKeep is how long the local outbox keeps mail.
const outboxKeep = 30 * 24 * time.Hour

// heldMailKeep is how long the counts of held-item mail are kept: past
// their hour and its digest, they are only a record.
const heldMailKeep = 48 * time.Hour

// PruneArgs is the hourly housekeeping of comments, posts and mail: spam
// older than the discussion setting's days is deleted (audited as done by
// Quire itself; 0 days turns this off, leaving it to the moderators'
// "empty spam" button), posts, pages and the queue's items in the trash
// longer than the site setting's days (publishing.EmptyTrash,
// commenting.PruneTrash; 0 keeps them), outbox mail older
// than 30 days, and the held-item mail counts
// (commenting.HeldMailBudget) older than two days. River runs periodic
// jobs on its elected leader only, so one node does it.
type PruneArgs struct{}

// Kind names the job type.
func (PruneArgs) Kind() string { return "prune" }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	d Deps
}

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	if err := w.d.Workflows.Comments.PruneSpam(ctx); err != nil {
		return err
	}
	if _, err := w.d.Workflows.Publishing.EmptyTrash(ctx); err != nil {
		return err
	}
	if err := w.d.Workflows.Comments.PruneTrash(ctx); err != nil {
		return err
	}
	if err := w.d.Workflows.Comments.PruneHeldMail(ctx, time.Now().Add(-heldMailKeep)); err != nil {
		return err
	}
	_, err := w.d.Workflows.Admin.PruneOutbox(ctx, time.Now().Add(-outboxKeep))
	return err
}

// prunePeriodic schedules PruneArgs hourly, and once at start.
func prunePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "prune", RunOnStart: true})
}
