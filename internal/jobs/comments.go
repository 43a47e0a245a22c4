package jobs

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/mail"
)

// commentWorker mails what a comment event causes (commenting.Notifications),
// for each comment it names; all the messages are enqueued in one
// transaction, so a retry after a failure sends none twice.
type commentWorker struct {
	river.WorkerDefaults[jobargs.CommentArgs]
	d Deps
}

func (w *commentWorker) Work(ctx context.Context, j *river.Job[jobargs.CommentArgs]) error {
	var msgs []mail.Message
	for _, id := range j.Args.IDs() {
		m, err := w.d.Workflows.Comments.Notifications(ctx, jobargs.CommentArgs{CommentID: id, Event: j.Args.Event})
		if errors.Is(err, apperr.ErrNotFound) {
			continue // deleted since: nothing to say
		} else if err != nil {
			return err
		}
		msgs = append(msgs, m...)
	}
	if len(msgs) == 0 {
		return nil
	}
	return insertMail(ctx, w.d, msgs)
}

// insertMail enqueues one mail job per message, so a failing address is
// retried alone.
func insertMail(ctx context.Context, d Deps, msgs []mail.Message) error {
	client := river.ClientFromContext[pgx.Tx](ctx)
	params := make([]river.InsertManyParams, len(msgs))
	for i, m := range msgs {
		params[i] = river.InsertManyParams{Args: MailArgs{Message: m}}
	}
	return pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		_, err := client.InsertManyTx(ctx, tx, params)
		return err
	})
}

// notifyConfirmWorker mails the double opt-in link for reply
// notifications (commenting.ConfirmMail).
type notifyConfirmWorker struct {
	river.WorkerDefaults[jobargs.NotifyConfirmArgs]
	d Deps
}

func (w *notifyConfirmWorker) Work(ctx context.Context, j *river.Job[jobargs.NotifyConfirmArgs]) error {
	m, err := w.d.Workflows.Comments.ConfirmMail(ctx, j.Args)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // the comment is gone
	} else if err != nil {
		return err
	}
	return insertMail(ctx, w.d, []mail.Message{m})
}
