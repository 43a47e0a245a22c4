package commenting

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/store"
)

// commentMail is what the comment_held, comment_new and comment_reply
// templates are given.
type commentMail struct {
	Site, PostTitle, Author, Text, Kind  string
	CommentURL, QueueURL, UnsubscribeURL string
	Reasons                              []string
}

// Notifications writes the mail a comment event causes (the comment job)
// for each comment a names, in tx, where the job enqueues it: moderators
// hear of held comments (within HeldMailBudget, counted in tx), the
// post's author of an approved one (not their own), and the parent's
// author of an approved reply when they opted in and confirmed their
// address. Spam says nothing. A job of a few comments reads them and
// their posts in one statement; a larger one (a flood's) reads their
// statuses first and then only the rows its mail needs (readNotified).
// The moderators are read once. A comment deleted since says nothing;
// apperr.ErrNotFound when none of them is left.
func (s *Service) Notifications(ctx context.Context, tx pgx.Tx, a jobargs.CommentArgs) (Notices, error) {
	n, err := readNotified(ctx, tx, a)
	if err != nil {
		return Notices{}, err
	}
	var budgets []heldBudget
	if len(n.held) > 0 {
		if budgets, err = s.heldBudgets(ctx, tx, len(n.held)); err != nil {
			return Notices{}, err
		}
	}
	mailed := 0 // the held comments some moderator hears of: the first ones
	for _, b := range budgets {
		mailed = max(mailed, b.sent)
	}
	if err := n.complete(ctx, tx, n.held[:mailed]); err != nil {
		return Notices{}, err
	}
	site := ""
	if s.Site != nil {
		site = s.Site(ctx)
	}
	var out Notices
	for _, id := range n.approved {
		if cp, ok := n.rows[id]; ok {
			c := cp.Comment
			if err := s.approvedMail(ctx, tx, c, cp.Post.AuthorID, s.commentMail(c, cp.Post.Title, site), &out); err != nil {
				return Notices{}, err
			}
		}
	}
	if err := s.heldMail(n, budgets, site, &out); err != nil {
		return Notices{}, err
	}
	return out, nil
}

// notified is what a comment job has read: the comments that cause mail,
// held (new and held for moderation) and approved, each in the order of
// their ids, and the rows, with their posts, read so far.
type notified struct {
	held, approved []int64
	rows           map[int64]store.CommentPost
}

// readNotified reads the comments a names. Up to HeldMailBudget of them,
// whole, in one statement, as the budget may let every held one out. More
// are a flood's batch (the kit's jobs took 430 comments each): only
// their statuses, since past the budget a held comment is counted, never
// mailed; reading every row whole cost the job 7 µs of PostgreSQL and 4
// µs of the server's CPU a comment (docs/BENCHMARKS.md, session 16).
func readNotified(ctx context.Context, tx pgx.Tx, a jobargs.CommentArgs) (notified, error) {
	ids := a.IDs()
	n := notified{rows: map[int64]store.CommentPost{}}
	var states []store.CommentState
	if len(ids) <= HeldMailBudget {
		cs, err := store.CommentsWithPosts(ctx, tx, ids)
		if err != nil {
			return n, err
		}
		for _, cp := range cs {
			n.rows[cp.Comment.ID] = cp
			states = append(states, store.CommentState{ID: cp.Comment.ID, Status: cp.Comment.Status})
		}
	} else {
		var err error
		if states, err = store.CommentStates(ctx, tx, ids); err != nil {
			return n, err
		}
	}
	if len(states) == 0 {
		return n, apperr.ErrNotFound
	}
	for _, st := range states {
		switch {
		case st.Status == comment.StatusHeld && a.Event == jobargs.EventCreated:
			n.held = append(n.held, st.ID) // its mail is written only if the budget lets it out
		case st.Status == comment.StatusApproved:
			n.approved = append(n.approved, st.ID)
		}
	}
	return n, nil
}

// complete reads the rows of the approved comments and of held that are
// not read yet, in one statement (in any order: they are kept by id). One
// deleted since is left out.
func (n *notified) complete(ctx context.Context, tx pgx.Tx, held []int64) error {
	var missing []int64
	for _, id := range slices.Concat(n.approved, held) {
		if _, ok := n.rows[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	cs, err := store.CommentsWithPosts(ctx, tx, missing)
	for _, cp := range cs {
		n.rows[cp.Comment.ID] = cp
	}
	return err
}

// commentMail is what the templates say of c, on the post titled title.
func (s *Service) commentMail(c *store.Comment, title, site string) commentMail {
	base := s.base()
	data := commentMail{
		Site: site, PostTitle: title, Author: c.DisplayName(), Kind: string(c.Kind),
		CommentURL: base + "/comments/" + strconv.FormatInt(c.ID, 10), QueueURL: base + "/admin/moderation#item-" + moderation.Key{Kind: moderation.Kind(c.Kind), ID: c.ID}.String(),
	}
	if c.Kind.IsLinkback() {
		data.Text = c.Title + "\n" + c.SourceURL
	} else {
		data.Text = render.MailText(c.BodyHTML)
	}
	for _, r := range c.Reasons {
		data.Reasons = append(data.Reasons, r.Message)
	}
	return data
}

// approvedMail adds to out the mail of approved comment c (data) on a
// post by authorID: to that author, and to the parent's author when
// they asked for replies.
func (s *Service) approvedMail(ctx context.Context, db store.DB, c *store.Comment, authorID int64, data commentMail, out *Notices) error {
	add := func(tpl, to string, d commentMail, headers map[string]string) error {
		m, err := s.Mail.Render(tpl, to, d)
		m.Headers = headers
		out.Mail = append(out.Mail, m)
		return err
	}
	author, err := store.UserByID(ctx, db, authorID)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	if author != nil && !author.Disabled && c.AuthorUserID != author.ID && !strings.EqualFold(author.Email, c.AuthorEmail) {
		if err := add("comment_new", author.Email, data, nil); err != nil {
			return err
		}
	}
	if c.ParentID == 0 {
		return nil
	}
	parent, err := store.CommentByID(ctx, db, c.ParentID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !parent.Notify || parent.AuthorEmail == "" || strings.EqualFold(parent.AuthorEmail, c.AuthorEmail) {
		return nil
	}
	if _, ok, err := store.NotifyAddressState(ctx, db, parent.AuthorEmail); err != nil || !ok {
		return err
	}
	data.UnsubscribeURL = s.base() + "/comments/" + strconv.FormatInt(parent.ID, 10) + "/unsubscribe?t=" +
		s.Key.Sign(PurposeUnsubscribe, strconv.FormatInt(parent.ID, 10))
	// RFC 8058 one-click: the mail client POSTs to the link.
	h := map[string]string{"List-Unsubscribe": "<" + data.UnsubscribeURL + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	return add("comment_reply", parent.AuthorEmail, data, h)
}

// ConfirmMail writes the double opt-in mail for reply notifications to
// a.Email (the notify-confirm job). Errors: apperr.ErrNotFound when the
// comment or its post is gone.
func (s *Service) ConfirmMail(ctx context.Context, a jobargs.NotifyConfirmArgs) (mail.Message, error) {
	c, err := store.CommentByID(ctx, s.Store.Pool, a.CommentID)
	if err != nil {
		return mail.Message{}, err
	}
	p, err := store.PostByID(ctx, s.Store.Pool, c.PostID)
	if err != nil {
		return mail.Message{}, err
	}
	data := map[string]string{"PostTitle": p.Title, "Site": s.BaseURL.Host,
		"ConfirmURL": s.base() + "/comments/confirm?t=" + NotifyToken(s.Key, a.Email)}
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	return s.Mail.Render("notify_confirm", a.Email, data)
}

// PruneSpam deletes spam older than the stored setting's days as Quire
// itself (the hourly housekeeping; the audit log names no actor). 0 days
// turns it off, leaving it to the moderators' "empty spam" button.
func (s *Service) PruneSpam(ctx context.Context) error {
	st, err := s.StoredSettings(ctx)
	if err != nil || st.SpamDays <= 0 {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		_, err := store.EmptySpam(ctx, tx, 0, st.SpamDays, s.now(), true)
		return err
	})
}

// PruneTrash deletes the queue's trash older than the site's trash_days
// (the setting posts' trash follows too; 0 keeps it) as Quire itself, in
// one transaction with its audit row (the hourly housekeeping).
func (s *Service) PruneTrash(ctx context.Context) error {
	st, err := store.SiteSettings(ctx, s.Store.Pool)
	if err != nil || st.TrashDays <= 0 {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		_, err := store.EmptyQueueTrash(ctx, tx, 0, st.TrashDays, s.now(), true)
		return err
	})
}

// base is the blog's address without a trailing slash, for mail links.
func (s *Service) base() string { return strings.TrimRight(s.BaseURL.String(), "/") }
