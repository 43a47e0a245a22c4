// Package guestposting runs the guest-post workflow shared by the HTML
// pages and the JSON API: a guest's submission through the anti-spam
// rules into the review queue, the private status link, revisions, and
// the editors' review (edit, request changes, decline, accept). Each step
// is one transaction that also writes the audit row and enqueues the
// mail, so a rolled-back step sends nothing.
package guestposting

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/signed"
	"quire/internal/store"
	"quire/internal/text"
)

// Service runs the workflow. Build one per process and share it.
type Service struct {
	Store   *store.Store
	Render  *render.Renderer
	Jobs    jobargs.Enqueuer
	Mail    *mail.Templates
	Key     signed.Key
	BaseURL *url.URL
	Now     func() time.Time
	// Rules are the site's moderation rules (the comment settings'
	// blocklist, timing and rates), shared with comments.
	Rules func(ctx context.Context) (moderation.Settings, error)
	// Site is the blog's title, for mail.
	Site func(ctx context.Context) string
}

// Input is a submission as it arrives from the form or the API.
type Input struct {
	Draft     guestpost.Draft
	IP        netip.Addr
	UserAgent string
	Honeypot  bool          // the hidden field was filled
	SinceForm time.Duration // since the form was served; 0 = unknown (API)
}

// Result is what became of an Input.
type Result struct {
	Submission guestpost.Submission
	Verdict    moderation.Verdict
	StatusURL  string // the private status page (absolute)
}

// Submit validates and renders in, runs the moderation rules and stores
// the submission with its first version, then mails the guest their status
// link and the editors a note (not for spam). Errors: apperr.Invalid with
// fields title, body, format, name, email, bio, website, note;
// apperr.TooMany past the flood limits, with RetryAfter.
func (s *Service) Submit(ctx context.Context, in Input) (*Result, error) {
	d := in.Draft
	d.Normalize()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	body, err := s.Render.Render(render.GuestPost, render.Format(d.Format), d.Body)
	if err != nil {
		return nil, err
	}
	bio, err := s.Render.Render(render.Bio, render.Markdown, d.Bio)
	if err != nil {
		return nil, err
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	sub := guestpost.Submission{Status: guestpost.Received, Name: d.Name, Email: d.Email, BioSource: d.Bio, BioHTML: bio,
		Website: d.Website, Note: d.Note, UserAgent: text.Clip(in.UserAgent, 500)}
	if in.IP.IsValid() {
		sub.IP = in.IP.Unmap().String()
	}
	links := render.Links(body)
	mi := moderation.Input{Kind: moderation.KindGuestPost, AuthorName: d.Name, AuthorEmail: d.Email, AuthorURL: d.Website,
		IP: in.IP, Text: d.Title + "\n" + d.Body + "\n" + d.Bio + "\n" + d.Note, Links: links,
		HoneypotFilled: in.Honeypot, SinceForm: in.SinceForm}
	ver := guestpost.Version{Title: d.Title, Format: d.Format, BodySource: d.Body, BodyHTML: body}
	res := &Result{}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		now := s.now()
		fromIP, fromEmail, err := store.GuestSignals(ctx, tx, sub.IP, d.Email, now.Add(-guestpost.FloodWindow))
		if err != nil {
			return err
		}
		// A flood is refused before anything is stored: the queue must
		// stay usable, and what was accepted before stays.
		if (sub.IP != "" && fromIP >= guestpost.FloodPerIP) || fromEmail >= guestpost.FloodPerEmail {
			e := apperr.New(apperr.TooMany, "You have sent several guest posts in the last hour. Please wait an hour before sending another; the ones you sent are safe with us.")
			e.RetryAfter = guestpost.FloodWindow
			return e
		}
		mi.RecentFromIP, mi.RecentFromEmail = fromIP, fromEmail
		v := moderation.Decide(rules, mi)
		if r, ok := guestpost.LinkReason(len(links)); ok {
			v.Reasons = append(v.Reasons, r)
		}
		sub.Reasons, sub.Spam = v.Reasons, v.Action == moderation.Spam
		salt := make([]byte, 16)
		if _, err := rand.Read(salt); err != nil {
			return err
		}
		// The token needs the id; take it first, then store the hash.
		if sub.ID, err = store.NextSubmissionID(ctx, tx); err != nil {
			return err
		}
		tok := s.token(sub.ID, salt)
		if err := store.CreateSubmission(ctx, tx, &sub, tokenHash(tok), salt, &ver); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, 0, "guest_post.submit", string(moderation.KindGuestPost), sub.ID, "",
			map[bool]string{true: "spam", false: "received"}[sub.Spam]); err != nil {
			return err
		}
		res.Submission, res.Verdict, res.StatusURL = sub, v, s.statusURL(tok)
		res.Submission.Title = ver.Title
		if sub.Spam {
			return nil // nothing is ever sent for spam
		}
		if err := s.mailGuest(ctx, tx, "guest_received", &res.Submission, res.StatusURL, ""); err != nil {
			return err
		}
		return s.mailEditors(ctx, tx, &res.Submission, "A new guest post was submitted")
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ByToken returns the submission whose status link carries tok, with its
// versions and messages. Returns apperr.NotFound for any unknown token.
func (s *Service) ByToken(ctx context.Context, tok string) (*guestpost.Submission, []guestpost.Version, []guestpost.Message, error) {
	if tok == "" || len(tok) > 100 {
		return nil, nil, nil, notFound()
	}
	sub, err := store.SubmissionByToken(ctx, s.Store.Pool, tokenHash(tok))
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil, nil, notFound()
		}
		return nil, nil, nil, err
	}
	vs, err := store.Versions(ctx, s.Store.Pool, sub.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := store.Messages(ctx, s.Store.Pool, sub.ID)
	return sub, vs, ms, err
}

func notFound() error {
	return apperr.New(apperr.NotFound, "This status link is not valid. Check that you copied all of it from the e-mail.")
}

// token derives the status token of submission id from the server key
// and the row's salt: unguessable without the key, and re-derivable for
// every later mail although only its hash is stored.
func (s *Service) token(id int64, salt []byte) string {
	h := hmac.New(sha256.New, s.Key)
	h.Write([]byte("guest-status\x00" + strconv.FormatInt(id, 10) + "\x00"))
	h.Write(salt)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:24])
}

func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

func (s *Service) statusURL(tok string) string {
	return s.abs("/guest-posts/status/" + tok)
}

func (s *Service) abs(path string) string {
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
