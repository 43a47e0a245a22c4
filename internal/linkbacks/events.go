package linkbacks

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/store"
)

// A flood's batch does not insert its linkback_verify_later job: it
// writes the pairs it puts off as one row, with its COMMIT
// (queueVerifyEvent, migrations/00024_linkback_verify_events.sql), and
// the job queue's drainer turns the waiting rows into those jobs
// (TakeVerifyEvents), as it does the comment form's events
// (commenting/events.go). River's insert then leaves the senders' way,
// and a flood's batches share a few jobs.

// VerifyJobPairs is the most pairs one linkback_verify_later job names;
// the job only inserts their verification jobs, in one statement.
const VerifyJobPairs = 500

// queueVerifyEvent queues in b the event of later's pairs, to start at
// later.At.
func queueVerifyEvent(b *pgx.Batch, later jobargs.LinkbackVerifyLaterArgs) error {
	raw, err := json.Marshal(later.Pairs)
	if err != nil {
		return err
	}
	store.QueueLinkbackVerifyEvent(b, store.LinkbackVerifyEvent{Pairs: raw, VerifyAt: later.At})
	return nil
}

// eventsStored tells EventsStored, when set, that put-off verifications
// may have been committed.
func (s *Service) eventsStored() {
	if s.EventsStored != nil {
		s.EventsStored()
	}
}

// TakeVerifyEvents takes up to limit waiting events in tx (removing
// them) and returns their linkback_verify_later jobs, for the caller to
// insert in the same tx: the pairs in their order, VerifyJobPairs to a
// job, each job starting at the latest verify_at of the events it holds
// (no pair starts before its own). taken is how many events were taken.
func (s *Service) TakeVerifyEvents(ctx context.Context, tx pgx.Tx, limit int) (jobs []jobargs.LinkbackVerifyLaterArgs, taken int, err error) {
	evs, err := store.TakeLinkbackVerifyEvents(ctx, tx, limit)
	if err != nil {
		return nil, 0, err
	}
	var cur jobargs.LinkbackVerifyLaterArgs
	for _, e := range evs {
		var pairs []jobargs.LinkbackVerifyArgs
		if err := json.Unmarshal(e.Pairs, &pairs); err != nil {
			return nil, 0, err
		}
		for len(pairs) > 0 {
			k := min(len(pairs), VerifyJobPairs-len(cur.Pairs))
			cur.Pairs = append(cur.Pairs, pairs[:k]...)
			cur.At = latest(cur.At, e.VerifyAt)
			pairs = pairs[k:]
			if len(cur.Pairs) == VerifyJobPairs {
				jobs, cur = append(jobs, cur), jobargs.LinkbackVerifyLaterArgs{}
			}
		}
	}
	if len(cur.Pairs) > 0 {
		jobs = append(jobs, cur)
	}
	return jobs, len(evs), nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
