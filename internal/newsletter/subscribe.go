package newsletter

import (
	"context"
	"encoding/hex"
	"errors"
	"net/netip"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/store"
)

// Service is the subscribing workflow shared by the form, the member's
// profile, the admin pages and the API.
type Service struct {
	Store  *store.Store
	Tokens Tokens
	// Enqueue inserts a job in tx (jobs.Queue.Enqueue).
	Enqueue func(ctx context.Context, tx pgx.Tx, args river.JobArgs) error
	// Rules are the comment form's anti-spam settings (minimum seconds on
	// the page, per-IP and per-address rates), reused as they are.
	Rules func(ctx context.Context) (moderation.Settings, error)
	Now   func() time.Time
	// Mail writes the confirmation mail (ConfirmMail); BaseURL makes its
	// link absolute; Site names the blog in it (nil: BaseURL's host).
	Mail    *mail.Templates
	BaseURL *url.URL
	Site    func(ctx context.Context) string
}

// ConfirmArgs mails the double opt-in link to a pending subscriber.
type ConfirmArgs struct {
	SubscriberID int64 `json:"subscriber_id"`
}

// Kind names the job type.
func (ConfirmArgs) Kind() string { return "newsletter_confirm" }

// Request is a sign-up from the public form or the API.
type Request struct {
	Email     string
	Mode      string
	IP        netip.Addr
	Honeypot  bool          // the hidden field was filled
	SinceForm time.Duration // since the form was served; 0 = unknown (API)
}

// MsgTooMany is the answer to a flood of sign-ups from one IP address.
const MsgTooMany = "Too many sign-ups from your network. Please try again later."

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Subscribe takes a sign-up. It answers the same whether or not the
// address is known, confirmed or recently asked (then nothing is sent),
// and whether or not the anti-spam rules caught it (then nothing is
// stored): only a malformed address (apperr.Invalid, field "email"), a bad
// mode, and a flood from one IP (apperr.TooMany) are errors.
func (s *Service) Subscribe(ctx context.Context, r Request) error {
	email, err := Normalize(r.Email)
	if err != nil {
		return err
	}
	mode, ok := ParseMode(r.Mode)
	if !ok {
		return apperr.FieldErrors("Choose every post or a weekly digest.", map[string]string{"mode": "Choose every post or a weekly digest."})
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	db := s.Store.Pool
	ipKey, mailKey := "ip:"+r.IP.Unmap().String(), "email:"+hex.EncodeToString(Hash(email))
	if rules.IPRate.On() && r.IP.IsValid() {
		n, err := store.Signups(ctx, db, ipKey, now.Add(-rules.IPRate.Window))
		if err != nil {
			return err
		}
		if n >= rules.IPRate.Count {
			e := apperr.New(apperr.TooMany, MsgTooMany)
			e.RetryAfter = rules.IPRate.Window
			return e
		}
	}
	keys := []string{mailKey}
	if r.IP.IsValid() {
		keys = append(keys, ipKey)
	}
	if err := store.RecordSignup(ctx, db, keys...); err != nil {
		return err
	}
	tooFast := rules.MinSeconds > 0 && r.SinceForm != 0 && r.SinceForm < time.Duration(rules.MinSeconds)*time.Second
	if r.Honeypot || tooFast {
		return nil // a bot: it is told what a person is told, and nothing happens
	}
	if rules.EmailRate.On() {
		n, err := store.Signups(ctx, db, mailKey, now.Add(-rules.EmailRate.Window))
		if err != nil {
			return err
		}
		if n > rules.EmailRate.Count {
			return nil
		}
	}
	return s.request(ctx, email, mode, "form", 0)
}

// request records email as pending and enqueues its confirmation mail,
// unless it is confirmed already or was mailed within ResendWindow.
func (s *Service) request(ctx context.Context, email string, mode Mode, source string, userID int64) error {
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		sub, err := store.SubscriberByHash(ctx, tx, Hash(email))
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			sub = &store.Subscriber{EmailHash: Hash(email)}
		case err != nil:
			return err
		case Status(sub.Status) == Confirmed:
			return nil
		}
		if Status(sub.Status) == Pending && !MayResend(sub.ConfirmSentAt, s.now()) {
			return nil
		}
		sub.Email, sub.Status, sub.Mode, sub.Source = email, string(Pending), string(mode), source
		sub.UnsubscribedAt, sub.ConfirmSentAt = time.Time{}, s.now()
		if userID != 0 {
			sub.UserID = userID
		}
		if err := store.SaveSubscriber(ctx, tx, sub); err != nil {
			return err
		}
		return s.Enqueue(ctx, tx, ConfirmArgs{SubscriberID: sub.ID})
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return nil // the same address, signing up twice at the same moment
	}
	return err
}

// Confirm confirms the subscriber of a confirmation token. Errors:
// apperr.NotFound for a forged, expired or withdrawn link.
func (s *Service) Confirm(ctx context.Context, tok string) (*store.Subscriber, error) {
	id, ok := s.Tokens.CheckConfirm(tok, s.now())
	gone := apperr.New(apperr.NotFound, "This confirmation link is not valid any more. Follow the blog again to get a new one.")
	if !ok {
		return nil, gone
	}
	var sub *store.Subscriber
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		sub, err = store.SubscriberByID(ctx, tx, id)
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && Status(sub.Status) == Unsubscribed) {
			return gone
		}
		if err != nil || Status(sub.Status) == Confirmed {
			return err
		}
		sub.Status, sub.ConfirmedAt, sub.Failures, sub.LastError = string(Confirmed), s.now(), 0, ""
		return store.SaveSubscriber(ctx, tx, sub)
	})
	return sub, err
}

// Unsubscribe forgets the address of an unsubscribe token's subscriber.
// A second click, or one after the data was deleted, succeeds too.
// Errors: apperr.NotFound for a forged token.
func (s *Service) Unsubscribe(ctx context.Context, tok string) error {
	id, ok := s.Tokens.CheckUnsubscribe(tok)
	if !ok {
		return apperr.New(apperr.NotFound, "This unsubscribe link is not valid.")
	}
	return s.Remove(ctx, id)
}

// Remove unsubscribes subscriber id and keeps only its hash (admin
// "remove" and the unsubscribe link). A missing row is not an error.
func (s *Service) Remove(ctx context.Context, id int64) error {
	if err := store.ForgetSubscriber(ctx, s.Store.Pool, id); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	return nil
}
