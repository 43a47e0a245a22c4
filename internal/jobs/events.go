package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// The comment form writes its comments' created events into a table of
// their own with the comments (commenting/events.go), and a flood of
// linkbacks the verifications it puts off (linkbacks/events.go); the
// drainer of a working queue turns them into comment_event and
// linkback_verify_later jobs. It drains when this node has stored events
// (EventsStored), at most once every eventsPace, so that the events of a
// wave gather into a few jobs, and every eventsSweep whatever happens:
// the events of a node that stopped before draining, or of a command
// that does not work jobs, are taken by any node that does.
const (
	eventsPace  = 200 * time.Millisecond
	eventsSweep = 2 * time.Second
	eventsTake  = 200 // events (a batch of comments each) a transaction takes
)

// EventsStored tells the drainer that events were committed; it
// does not wait. (commenting.Service.EventsStored and
// linkbacks.Service.EventsStored)
func (q *Queue) EventsStored() {
	select {
	case q.events <- struct{}{}:
	default: // a drain is already due
	}
}

// drainEvents drains until ctx ends, then closes done.
func (q *Queue) drainEvents(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	sweep := time.NewTicker(eventsSweep)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.events:
		case <-sweep.C:
		}
		for _, drain := range []func(context.Context) (int, error){q.DrainCommentEvents, q.DrainLinkbackEvents} {
			for {
				taken, err := drain(ctx)
				if err != nil {
					if ctx.Err() == nil {
						q.d.Log.Error("turning events into jobs", "err", err) // the rows wait for the next try
					}
					break
				}
				if taken < eventsTake {
					break
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(eventsPace):
		}
	}
}

// DrainCommentEvents turns up to eventsTake waiting comment events into
// comment_event jobs, in one transaction: the events are deleted and the
// jobs inserted together, so each event becomes jobs exactly once, on
// whichever node takes it. It returns how many events it took.
func (q *Queue) DrainCommentEvents(ctx context.Context) (int, error) {
	return drain(ctx, q, q.d.Workflows.Comments.TakeEvents)
}

// DrainLinkbackEvents is DrainCommentEvents for the verifications a
// flood of linkbacks put off: linkback_verify_later jobs.
func (q *Queue) DrainLinkbackEvents(ctx context.Context) (int, error) {
	return drain(ctx, q, q.d.Workflows.Linkbacks.TakeVerifyEvents)
}

// drain takes up to eventsTake events with take and inserts their jobs,
// in one transaction; it returns how many events were taken.
func drain[A river.JobArgs](ctx context.Context, q *Queue, take func(context.Context, pgx.Tx, int) ([]A, int, error)) (int, error) {
	var taken int
	err := pgx.BeginFunc(ctx, q.d.Pool, func(tx pgx.Tx) error {
		jobs, n, err := take(ctx, tx, eventsTake)
		taken = n // the caller reads it only with a nil error: once committed
		if err != nil || len(jobs) == 0 {
			return err
		}
		params := make([]river.InsertManyParams, len(jobs))
		for i, j := range jobs {
			params[i] = river.InsertManyParams{Args: j}
		}
		_, err = q.client.InsertManyTx(ctx, tx, params)
		return err
	})
	return taken, err
}
