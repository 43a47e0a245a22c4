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
// for each comment it names. The messages, the digests of the mail held
// back (commenting.HeldMailBudget) and the counts behind them are written
// in one transaction, so a retry after a failure sends none twice.
type commentWorker struct {
	river.WorkerDefaults[jobargs.CommentArgs]
	d Deps
}

func (w *commentWorker) Work(ctx context.Context, j *river.Job[jobargs.CommentArgs]) error {
	client := river.ClientFromContext[pgx.Tx](ctx)
	return pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		n, err := w.d.Workflows.Comments.Notifications(ctx, tx, j.Args)
		if errors.Is(err, apperr.ErrNotFound) {
			return nil // deleted since: nothing to say
		} else if err != nil {
			return err
		}
		params := mailParams(n.Mail)
		for _, d := range n.Digests {
			params = append(params, river.InsertManyParams{Args: d})
		}
		if len(params) == 0 {
			return nil
		}
		_, err = client.InsertManyTx(ctx, tx, params)
		return err
	})
}

// heldDigestWorker mails a moderator the digest of an hour's mail about
// held items held back (commenting.HeldDigest).
type heldDigestWorker struct {
	river.WorkerDefaults[jobargs.HeldDigestArgs]
	d Deps
}

func (w *heldDigestWorker) Work(ctx context.Context, j *river.Job[jobargs.HeldDigestArgs]) error {
	m, ok, err := w.d.Workflows.Comments.HeldDigest(ctx, j.Args)
	if err != nil || !ok {
		return err
	}
	return insertMail(ctx, w.d, []mail.Message{m})
}

// insertMail enqueues one mail job per message, so a failing address is
// retried alone.
func insertMail(ctx context.Context, d Deps, msgs []mail.Message) error {
	client := river.ClientFromContext[pgx.Tx](ctx)
	params := mailParams(msgs)
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

// mailParams are the insert parameters of one mail job per message.
func mailParams(msgs []mail.Message) []river.InsertManyParams {
	params := make([]river.InsertManyParams, len(msgs))
	for i, m := range msgs {
		params[i] = river.InsertManyParams{Args: MailArgs{Message: m}}
	}
	return params
}
