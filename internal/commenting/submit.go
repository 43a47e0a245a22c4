package commenting

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/text"
)

// Submission is a comment as it arrives from the form or the API.
type Submission struct {
	PostID    int64
	Draft     comment.Draft
	User      *account.User // nil for a guest
	IP        netip.Addr
	UserAgent string
	Honeypot  bool          // the hidden field was filled
	SinceForm time.Duration // since the form was served; 0 = unknown (API)
	Notify    bool          // "notify me of replies"
}

// Result is what became of a Submission.
type Result struct {
	Comment store.Comment
	Verdict moderation.Verdict
	Post    *post.Post
}

// floodFactor times the per-IP rate limit is refused with 429.
const floodFactor = 10

// Messages people see when a post does not take their comment.
const (
	MsgClosed      = "Comments are closed."
	MsgMembersOnly = "Only members of this blog may comment."
)

// Policy returns the comment policy in effect for p now, auto-close
// included.
func (s *Service) Policy(ctx context.Context, p *post.Post) (post.CommentPolicy, error) {
	st, _, err := s.Settings(ctx)
	if err != nil {
		return "", err
	}
	return p.CommentsOpenAt(s.now(), st.CloseAfterDays), nil
}

// CheckPolicy returns nil when u may comment on p now, else
// apperr.Forbidden with MsgClosed or MsgMembersOnly.
func (s *Service) CheckPolicy(ctx context.Context, p *post.Post, u *account.User) error {
	pol, err := s.Policy(ctx, p)
	if err != nil {
		return err
	}
	return policyErr(pol, u)
}

// policyErr is CheckPolicy's answer for the policy pol in effect.
func policyErr(pol post.CommentPolicy, u *account.User) error {
	switch closed, membersOnly := access(pol, u); {
	case closed:
		return apperr.New(apperr.Forbidden, MsgClosed)
	case membersOnly:
		return apperr.New(apperr.Forbidden, MsgMembersOnly)
	}
	return nil
}

// access is the comment-policy rule, the one place it is written: under
// pol, comments are closed to everyone, or closed to u because only
// members may comment and u is not one.
func access(pol post.CommentPolicy, u *account.User) (closed, membersOnly bool) {
	return pol == post.CommentsClosed, pol == post.CommentsMembers && !account.Can(u, account.CommentAsMember, account.Site)
}

// Submit runs a comment through the whole workflow: the post must be public
// and take the author's comment; the draft is validated and rendered; the
// moderation rules decide with counts read in the same transaction that
// stores the comment and enqueues its mail. Errors: apperr.NotFound (no
// such public post), apperr.Forbidden (policy), apperr.Invalid with fields
// author_name, author_email, author_url, body, parent_id,
// apperr.TooMany (a flood from one address).
//
// Comments submitted together on this node share one transaction
// (submit_batch.go): one round trip sends the BEGIN with one read of
// every comment's post (its few columns a comment needs), the rules'
// counts and the new id (store.TransactSubmitBatch) and the rows
// replied to, the rules
// decide each comment in Go as if the batch's comments had come one
// after another, and one INSERT stores them all with the COMMIT; each
// caller is answered once its comment and job are committed. The
// settings come from this node's cache. Result.Post is that lean post:
// its address, title, status and policy, no body or terms.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Result, error) {
	c, err := s.prepare(ctx, sub)
	if err != nil {
		return nil, err
	}
	return s.batched(ctx, c)
}

// submitCall is one Submission on its way: what Submit works out before
// the database, then, in a batch, its outcome.
type submitCall struct {
	sub   Submission
	d     comment.Draft // with a member's own name, address and site once valid
	verr  error         // the draft's validation error, answered after the post's checks
	ip    string
	st    Settings
	rules moderation.Settings
	args  store.SubmitArgs
	// The rendered body and its links, or the error rendering gave
	// (rendered before the batch, in the caller's goroutine).
	html  string
	links []string
	rerr  error

	ctx  context.Context // the caller's: once it ends, nobody waits for the outcome
	done chan struct{}   // closed once res and err are final
	res  *Result
	err  error
	n    *store.NewComment // in a batch: the comment to store, its verdict, its post
	v    moderation.Verdict
	p    *post.Post
}

// prepare validates and renders sub's draft and reads the settings: all
// that needs no transaction.
func (s *Service) prepare(ctx context.Context, sub Submission) (*submitCall, error) {
	st, modRules, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	c := &submitCall{sub: sub, d: sub.Draft, st: st, rules: modRules, ctx: ctx}
	d := &c.d
	rules := comment.InputRules{EmailOptional: st.EmailOptional, MaxBodyRunes: st.MaxCommentChars}
	if u := sub.User; u != nil {
		// Members comment as themselves; their account's fields were
		// checked when it was made and are not part of this form.
		d.AuthorName, d.AuthorEmail, d.AuthorURL = "", "", ""
		rules.EmailOptional = true
	}
	// Validated before the read, which needs the cleaned address and body;
	// reported after the post and its policy, as a form expects.
	c.verr = d.Validate(rules)
	if u := sub.User; u != nil && c.verr == nil {
		d.AuthorName, d.AuthorEmail, d.AuthorURL = text.Clip(u.Name(), 100), u.Email, u.Website
	}
	email, body := d.AuthorEmail, d.Body
	if c.verr != nil {
		email, body = "", "" // maybe not even UTF-8; the counts will not be used
	} else {
		c.html, c.links, c.rerr = renderBody(s.Render, d.Body)
	}
	if sub.IP.IsValid() {
		c.ip = sub.IP.Unmap().String()
	}
	c.args = store.SubmitArgs{PostID: sub.PostID, Email: email, IP: c.ip, Body: body,
		IPWindow: modRules.IPRate.Window, EmailWindow: modRules.EmailRate.Window, DupWindow: 24 * time.Hour}
	return c, nil
}

// submitOne is Submit for c alone, in a transaction of its own
// (store.TransactSubmit: three round trips and a commit): how the
// comments of a batch that failed are tried again, one by one, so that
// one comment's failure stays its own.
func (s *Service) submitOne(ctx context.Context, c *submitCall) (*Result, error) {
	var n *store.NewComment
	var v moderation.Verdict
	var p *post.Post
	err := s.Store.TransactSubmit(ctx, c.args, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		n, v, p, err = s.decide(c, r, err, func(id int64) (*store.Comment, error) { return store.CommentByID(ctx, tx, id) })
		if err != nil {
			return nil, err
		}
		if n.Status == comment.StatusSpam {
			return n, nil // nothing is ever sent for spam
		}
		n.Announce = true // its event, written with it (events.go)
		if n.Notify {
			job, err := s.optIn(ctx, tx, n)
			if err != nil {
				return nil, err
			}
			if job != nil {
				if err := s.Jobs.Enqueue(ctx, tx, job); err != nil {
					return nil, err
				}
			}
		}
		return n, nil
	})
	if err != nil {
		return nil, err
	}
	s.eventsStored()
	return result(n, v, p), nil
}

// result is Submit's answer for the stored comment n.
func result(n *store.NewComment, v moderation.Verdict, p *post.Post) *Result {
	return &Result{Comment: store.Comment{Comment: n.Comment, Reasons: n.Reasons, Notify: n.Notify}, Verdict: v, Post: p}
}

// optIn starts the double opt-in for an address that never confirmed: it
// records the address with a new token in tx and returns the
// confirmation mail's job for the caller to enqueue (nil when the
// address is confirmed).
func (s *Service) optIn(ctx context.Context, tx pgx.Tx, n *store.NewComment) (river.JobArgs, error) {
	_, confirmed, err := store.NotifyAddressState(ctx, tx, n.AuthorEmail)
	if err != nil || confirmed {
		return nil, err
	}
	tok := NotifyToken(s.Key, n.AuthorEmail)
	if err := store.CreateNotifyAddress(ctx, tx, n.AuthorEmail, TokenHash(tok)); err != nil {
		return nil, err
	}
	return jobargs.NotifyConfirmArgs{Email: n.AuthorEmail, CommentID: n.ID}, nil
}

// isStaff: authors, editors, moderators and admins are trusted
// (moderation.Input.Staff); members and contributors go through the rules.
func isStaff(u *account.User) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case account.Admin, account.Editor, account.Author, account.Moderator:
		return true
	}
	return false
}

func fieldErrors(err error) error {
	var ve *comment.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	f := map[string]string{}
	for _, fe := range ve.Fields {
		f[fe.Field] = fe.Message + "."
	}
	return invalid(f)
}

func invalid(f map[string]string) error {
	return apperr.FieldErrors("Please correct the marked fields.", f)
}
