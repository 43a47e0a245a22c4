package jobs

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
)

type commentWorker struct {
	river.WorkerDefaults[jobargs.CommentArgs]
	d Deps
}

func (w *commentWorker) Work(ctx context.Context, j *river.Job[jobargs.CommentArgs]) error {
	msgs, err := w.messages(ctx, j.Args)
	if err != nil || len(msgs) == 0 {
		if errors.Is(err, apperr.ErrNotFound) {
			return nil // deleted since: nothing to say
		}
		return err
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

type commentMail struct {
	Site, PostTitle, Author, Text, Kind  string
	CommentURL, QueueURL, UnsubscribeURL string
	Reasons                              []string
}

func (w *commentWorker) messages(ctx context.Context, a jobargs.CommentArgs) ([]mail.Message, error) {
	db := w.d.Pool
	c, err := store.CommentByID(ctx, db, a.CommentID)
	if err != nil {
		return nil, err
	}
	p, err := store.PostByID(ctx, db, c.PostID)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(w.d.BaseURL.String(), "/")
	data := commentMail{
		PostTitle: p.Title, Author: c.DisplayName(), Text: render.Text(c.BodyHTML), Kind: string(c.Kind),
		CommentURL: base + "/comments/" + strconv.FormatInt(c.ID, 10), QueueURL: base + "/admin/moderation#item-" + moderation.Key{Kind: moderation.Kind(c.Kind), ID: c.ID}.String(),
	}
	if w.d.Site != nil {
		data.Site = w.d.Site(ctx)
	}
	if c.Kind.IsLinkback() {
		data.Text = c.Title + "\n" + c.SourceURL
	}
	var out []mail.Message
	add := func(tpl, to string, d commentMail, headers map[string]string) error {
		m, err := w.d.Mail.Render(tpl, to, d)
		m.Headers = headers
		out = append(out, m)
		return err
	}
	switch {
	case c.Status == comment.StatusHeld && a.Event == jobargs.EventCreated:
		for _, r := range c.Reasons {
			data.Reasons = append(data.Reasons, r.Message)
		}
		mods, err := store.Moderators(ctx, db)
		if err != nil {
			return nil, err
		}
		for _, m := range mods {
			if err := add("comment_held", m.Email, data, nil); err != nil {
				return nil, err
			}
		}
	case c.Status == comment.StatusApproved:
		author, err := store.UserByID(ctx, db, p.AuthorID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return nil, err
		}
		if author != nil && !author.Disabled && c.AuthorUserID != author.ID && !strings.EqualFold(author.Email, c.AuthorEmail) {
			if err := add("comment_new", author.Email, data, nil); err != nil {
				return nil, err
			}
		}
		if c.ParentID == 0 {
			break
		}
		parent, err := store.CommentByID(ctx, db, c.ParentID)
		if errors.Is(err, apperr.ErrNotFound) {
			break
		} else if err != nil {
			return nil, err
		}
		if !parent.Notify || parent.AuthorEmail == "" || strings.EqualFold(parent.AuthorEmail, c.AuthorEmail) {
			break
		}
		if _, ok, err := store.NotifyAddressState(ctx, db, parent.AuthorEmail); err != nil || !ok {
			return out, err
		}
		d := data
		d.UnsubscribeURL = base + "/comments/" + strconv.FormatInt(parent.ID, 10) + "/unsubscribe?t=" +
			w.d.Key.Sign(commenting.PurposeUnsubscribe, strconv.FormatInt(parent.ID, 10))
		// RFC 8058 one-click: the mail client POSTs to the link.
		h := map[string]string{"List-Unsubscribe": "<" + d.UnsubscribeURL + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
		if err := add("comment_reply", parent.AuthorEmail, d, h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type notifyConfirmWorker struct {
	river.WorkerDefaults[jobargs.NotifyConfirmArgs]
	d Deps
}

func (w *notifyConfirmWorker) Work(ctx context.Context, j *river.Job[jobargs.NotifyConfirmArgs]) error {
	c, err := store.CommentByID(ctx, w.d.Pool, j.Args.CommentID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	p, err := store.PostByID(ctx, w.d.Pool, c.PostID)
	if err != nil {
		return err
	}
	data := map[string]string{"PostTitle": p.Title, "Site": w.d.BaseURL.Host,
		"ConfirmURL": strings.TrimRight(w.d.BaseURL.String(), "/") + "/comments/confirm?t=" + commenting.NotifyToken(w.d.Key, j.Args.Email)}
	if w.d.Site != nil {
		data["Site"] = w.d.Site(ctx)
	}
	m, err := w.d.Mail.Render("notify_confirm", j.Args.Email, data)
	if err != nil {
		return err
	}
	return insertMail(ctx, w.d, []mail.Message{m})
}
