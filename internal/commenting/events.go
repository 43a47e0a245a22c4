package commenting

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/store"
)

// The comment form does not enqueue a job for the comments it stores: it
// writes their created event with them, one row per transaction
// (store.NewComment.Announce, migrations/00023_comment_events.sql), and
// the job queue's drainer turns the waiting rows into comment_event jobs
// (TakeEvents). A wave of comments then costs River a few jobs a second,
// each naming many comments, instead of an insert on every batch's way
// and a job per batch to fetch and run.

// EventJobIDs is the most comments one comment_event job names: a job's
// mail is written in one transaction, which a wave's thousands of
// comments would make long, and a failing job retries every comment it
// names.
const EventJobIDs = 500

// eventsStored tells EventsStored, when set, that events were committed.
func (s *Service) eventsStored() {
	if s.EventsStored != nil {
		s.EventsStored()
	}
}

// TakeEvents takes up to limit waiting comment events in tx (removing
// them; store.TakeCommentEvents) and returns their comment_event jobs,
// for the caller to insert in the same tx: the events' comments in their
// order, EventJobIDs to a job. taken is how many events were taken; less
// than limit means none was left (but those of other transactions).
func (s *Service) TakeEvents(ctx context.Context, tx pgx.Tx, limit int) (jobs []jobargs.CommentArgs, taken int, err error) {
	evs, err := store.TakeCommentEvents(ctx, tx, limit)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e...)
	}
	for len(ids) > 0 {
		k := min(len(ids), EventJobIDs)
		jobs = append(jobs, jobargs.CommentsCreated(ids[:k:k]))
		ids = ids[k:]
	}
	return jobs, len(evs), nil
}
