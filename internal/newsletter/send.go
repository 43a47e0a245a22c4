package newsletter

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/store"
)

// Sender turns posts into issues and mails them.
type Sender struct {
	Store     *store.Store
	Dialer    mail.Dialer
	Templates *Templates
	Tokens    Tokens
	Base      *url.URL
	Site      func(ctx context.Context) string
	// PerMinute caps the mails one sending job sends a minute; 0 is no cap.
	PerMinute int
	Now       func() time.Time
	Log       *slog.Logger
}

// staleAfter: a delivery 'sending' for longer was cut off by a crash.
const staleAfter = 10 * time.Minute

// maxDigestPosts bounds a digest.
const maxDigestPosts = 30

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Tick claims the posts that went public since the last tick (and last
// week's digest on a new week), writes their deliveries in the same
// transaction, marks crash-interrupted deliveries, forgets old sign-up
// attempts, and returns the issues
// still to send. Any node may run it at any time: the claims make each
// post and week an issue once.
func (s *Sender) Tick(ctx context.Context) ([]int64, error) {
	now := s.now()
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		issues, err := store.ClaimNewPosts(ctx, tx, now, Lookback)
		if err != nil {
			return err
		}
		for _, is := range issues {
			if _, err := store.FillDeliveries(ctx, tx, is.ID, string(EachPost)); err != nil {
				return err
			}
		}
		return s.claimDigest(ctx, tx, now)
	})
	if err != nil {
		return nil, err
	}
	if _, err := store.InterruptStale(ctx, s.Store.Pool, now.Add(-staleAfter)); err != nil {
		return nil, err
	}
	// Sign-up attempts only matter within the rate windows (minutes).
	if err := store.PruneSignups(ctx, s.Store.Pool, now.Add(-ResendWindow)); err != nil {
		return nil, err
	}
	return store.SendingIssues(ctx, s.Store.Pool)
}

// claimDigest makes last week's digest once the week is over.
func (s *Sender) claimDigest(ctx context.Context, tx pgx.Tx, now time.Time) error {
	week := WeekStart(now).AddDate(0, 0, -7)
	id, ok, err := store.ClaimDigest(ctx, tx, week)
	if err != nil || !ok {
		return err
	}
	posts, err := store.DigestPosts(ctx, tx, week, week.AddDate(0, 0, 7), 1)
	if err != nil {
		return err
	}
	n := int64(0)
	if len(posts) > 0 {
		if n, err = store.FillDeliveries(ctx, tx, id, string(Weekly)); err != nil {
			return err
		}
	}
	if n == 0 {
		return store.SkipIssue(ctx, tx, id)
	}
	return nil
}

// Content loads what issue id says.
func (s *Sender) Content(ctx context.Context, id int64) (*Content, error) {
	return s.content(ctx, s.Store.Pool, id)
}

// content is Content read through db (the sending job's own connection).
func (s *Sender) content(ctx context.Context, db store.DB, id int64) (*Content, error) {
	is, err := store.IssueByID(ctx, db, id)
	if err != nil {
		return nil, err
	}
	ids := []int64{is.PostID}
	if is.Kind == "digest" {
		if ids, err = store.DigestPosts(ctx, db, is.Week, is.Week.AddDate(0, 0, 7), maxDigestPosts); err != nil {
			return nil, err
		}
	}
	var posts []*post.Post
	for _, pid := range ids {
		p, err := store.PostByID(ctx, db, pid)
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && !p.Public(s.now())) {
			continue // deleted, trashed or unpublished since
		} else if err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	if len(posts) == 0 {
		return nil, apperr.ErrNotFound
	}
	site := "Quire"
	if s.Site != nil {
		site = s.Site(ctx)
	}
	return NewContent(site, s.Base, posts, is.Week)
}

// SendIssue mails issue id to its pending deliveries, one claimed row at
// a time, at PerMinute, until none is pending, budget has passed or ctx
// ends. It reports whether deliveries remain. A post deleted or
// unpublished since ends the issue: its pending deliveries fail with that
// reason. One job at a time sends an
// issue (an advisory lock), so PerMinute holds across nodes.
func (s *Sender) SendIssue(ctx context.Context, id int64, budget time.Duration) (more bool, err error) {
	db, release, ok, err := store.LockIssue(ctx, s.Store, id)
	if err != nil || !ok {
		return false, err // another job, maybe on another node, is sending it
	}
	defer release()
	c, err := s.content(ctx, db, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return false, store.CancelIssue(ctx, db, id, "the post was unpublished or deleted before this was sent")
	} else if err != nil {
		return false, err
	}
	var conn mail.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	start := time.Now()
	var gap time.Duration
	if s.PerMinute > 0 {
		gap = time.Minute / time.Duration(s.PerMinute)
	}
	for n := 0; ; n++ {
		if ctx.Err() != nil || time.Since(start) > budget {
			return true, nil
		}
		if gap > 0 {
			if wait := time.Until(start.Add(time.Duration(n) * gap)); wait > 0 {
				select {
				case <-ctx.Done():
					return true, nil
				case <-time.After(wait):
				}
			}
		}
		// From the claim on, one row's cycle runs to its end even if ctx
		// ends (a stopping node), so no row is left in doubt but by a real
		// crash: a claim cancelled mid-query may have committed.
		rctx := context.WithoutCancel(ctx)
		d, err := store.ClaimDelivery(rctx, db, id)
		if errors.Is(err, apperr.ErrNotFound) {
			done, err := store.FinishIssue(ctx, db, id)
			if done && s.Log != nil {
				s.Log.Info("newsletter issue sent", "issue", id, "subject", c.Subject)
			}
			return false, err
		} else if err != nil {
			return true, err
		}
		if Status(d.Status) != Confirmed || d.Email == "" {
			if err := store.FinishDelivery(rctx, db, id, d.SubscriberID, "failed", "unsubscribed before this was sent"); err != nil {
				return true, err
			}
			continue
		}
		if conn == nil {
			if conn, err = s.Dialer.Dial(rctx); err != nil {
				_ = store.FinishDelivery(rctx, db, id, d.SubscriberID, "pending", err.Error())
				return true, err
			}
		}
		m, err := s.Templates.Message(c, d.Email, id, d.SubscriberID, SubscriberLinks(s.Tokens, s.Base, d.SubscriberID), s.Base)
		if err != nil {
			_ = store.FinishDelivery(rctx, db, id, d.SubscriberID, "pending", err.Error())
			return true, err
		}
		if err := s.deliver(rctx, db, conn, d, m); err != nil {
			_ = conn.Close()
			conn = nil
			return true, err
		}
	}
}

// deliver sends m and records the outcome; it returns an error only when
// the connection should be dropped (a temporary failure: the row is
// pending again and the job retries later).
func (s *Sender) deliver(ctx context.Context, db store.DB, conn mail.Conn, d *store.Delivery, m mail.Rich) error {
	err := conn.SendRich(ctx, m)
	switch {
	case err == nil:
		if err := store.FinishDelivery(ctx, db, d.IssueID, d.SubscriberID, "sent", ""); err != nil {
			return err
		}
		if d.Failures > 0 {
			return store.SubscriberDelivered(ctx, db, d.SubscriberID)
		}
		return nil
	case mail.Permanent(err):
		if err := store.FinishDelivery(ctx, db, d.IssueID, d.SubscriberID, "failed", err.Error()); err != nil {
			return err
		}
		return store.SubscriberFailed(ctx, db, d.SubscriberID, err.Error(), MaxFailures)
	default:
		if ferr := store.FinishDelivery(ctx, db, d.IssueID, d.SubscriberID, "pending", err.Error()); ferr != nil {
			return ferr
		}
		return err
	}
}

// SendTest mails post postID, as subscribers would get it, to email now;
// its links are marked as a test's and unsubscribe no one.
func (s *Sender) SendTest(ctx context.Context, postID int64, email string) error {
	p, err := store.PostByID(ctx, s.Store.Pool, postID)
	if err != nil {
		return err
	}
	site := "Quire"
	if s.Site != nil {
		site = s.Site(ctx)
	}
	c, err := NewContent(site, s.Base, []*post.Post{p}, time.Time{})
	if err != nil {
		return err
	}
	c.Subject = "[Test] " + c.Subject
	m, err := s.Templates.Message(c, email, 0, 0, SubscriberLinks(s.Tokens, s.Base, 0), s.Base)
	if err != nil {
		return err
	}
	conn, err := s.Dialer.Dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.SendRich(ctx, m)
}
