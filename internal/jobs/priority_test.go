package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/jobargs"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/store/storetest"
)

// TestMailAheadOfCommentBacklog: a message enqueued behind a wave's
// backlog of comment jobs (here 300, about the comment form's batches of
// a few seconds of a flood) is sent with the first jobs the workers
// take, not after the backlog (jobargs.NotificationPriority).
func TestMailAheadOfCommentBacklog(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	q, _ := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond})
	args := make([]river.JobArgs, 0, 301)
	for i := range 300 {
		args = append(args, jobargs.CommentArgs{CommentID: int64(1_000_000 + i), Event: jobargs.EventCreated}) // gone: nothing to say
	}
	args = append(args, jobs.MailArgs{Message: mail.Message{To: "ann@mail.invalid", Subject: "Reset your password", Text: "…"}})
	if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error { return q.EnqueueMany(ctx, tx, args) }); err != nil {
		t.Fatal(err)
	}
	startQueue(t, q) // after the jobs are in: the first fetch sees them all
	waitMail(t, st, "ann@mail.invalid", "Reset your password")
	waitIdle(t, st)
	var before, all int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE c.finalized_at < m.finalized_at), count(*)
		FROM river_job c, (SELECT finalized_at FROM river_job WHERE kind = 'mail') m
		WHERE c.kind = 'comment_event' AND c.state = 'completed'`).Scan(&before, &all); err != nil {
		t.Fatal(err)
	}
	if all != 300 || before > 50 {
		t.Errorf("the mail went out after %d of the %d comment jobs completed; want it among the first taken", before, all)
	}
	t.Logf("the mail went out after %d of %d comment jobs", before, all)
}
