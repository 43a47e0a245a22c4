package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"quire/internal/jobargs"
)

// sendWorker plans what the sites a post links to are owed
// (linkbacks.PlanSends enqueues one notify job per target).
type sendWorker struct {
	river.WorkerDefaults[jobargs.LinkbackSendArgs]
	d Deps
}

func (w *sendWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackSendArgs]) error {
	lb := w.d.Linkbacks
	if !lb.Send || lb.Fetch == nil {
		return nil // QUIRE_SEND_LINKBACKS=false: nothing is ever sent
	}
	wait, err := w.d.Workflows.Linkbacks.PlanSends(ctx, j.Args.PostID)
	if err == nil && wait > 0 {
		return river.JobSnooze(wait) // rescheduled since the job was queued
	}
	return err
}
