package commenting

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

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
// author_name, author_email, author_url, body, parent_id.
//
// The transaction makes one read before the INSERT (store.CommentSubmitRead:
// the post's few columns a comment needs, the rules' counts, the new id),
// sent with its BEGIN, and the comment's INSERT goes with the COMMIT
// (store.TransactSubmit), so a comment costs one commit and three round
// trips (with River's job INSERT between); the settings come from this
// node's cache. Result.Post is that lean post: its address,
// title, status and policy, no body or terms.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Result, error) {
	st, modRules, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	d := sub.Draft
	rules := comment.InputRules{EmailOptional: st.EmailOptional, MaxBodyRunes: st.MaxCommentChars}
	if u := sub.User; u != nil {
		// Members comment as themselves; their account's fields were
		// checked when it was made and are not part of this form.
		d.AuthorName, d.AuthorEmail, d.AuthorURL = "", "", ""
		rules.EmailOptional = true
	}
	// Validated before the read, which needs the cleaned address and body;
	// reported after the post and its policy, as a form expects.
	verr := d.Validate(rules)
	if u := sub.User; u != nil && verr == nil {
		d.AuthorName, d.AuthorEmail, d.AuthorURL = text.Clip(u.Name(), 100), u.Email, u.Website
	}
	email, body, ip := d.AuthorEmail, d.Body, ""
	if verr != nil {
		email, body = "", "" // maybe not even UTF-8; the counts will not be used
	}
	if sub.IP.IsValid() {
		ip = sub.IP.Unmap().String()
	}
	var n *store.NewComment
	var v moderation.Verdict
	var p *post.Post
	a := store.SubmitArgs{PostID: sub.PostID, Email: email, IP: ip, Body: body,
		IPWindow: modRules.IPRate.Window, EmailWindow: modRules.EmailRate.Window, DupWindow: 24 * time.Hour}
	err = s.Store.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && !r.Post.Public(s.now())) {
			return nil, apperr.New(apperr.NotFound, "There is no such post.")
		}
		if err != nil {
			return nil, err
		}
		if err := policyErr(r.Post.CommentsOpenAt(s.now(), st.CloseAfterDays), sub.User); err != nil {
			return nil, err
		}
		if verr != nil {
			return nil, fieldErrors(verr)
		}
		p = r.Post
		n, v, err = s.submit(ctx, tx, sub, d, ip, r, st, modRules)
		return n, err
	})
	if err != nil {
		return nil, err
	}
	return &Result{Comment: store.Comment{Comment: n.Comment, Reasons: n.Reasons, Notify: n.Notify}, Verdict: v, Post: p}, nil
}

// submit renders and decides the validated draft d of sub, with what
// CommentSubmitRead read, enqueues in tx what the comment causes, and
// returns the comment for TransactSubmit to store, last, with the
// COMMIT (its id was taken by the read, so the jobs can name it).
func (s *Service) submit(ctx context.Context, tx pgx.Tx, sub Submission, d comment.Draft, ip string, r store.SubmitRead,
	st Settings, modRules moderation.Settings) (*store.NewComment, moderation.Verdict, error) {
	var v moderation.Verdict
	p, sig := r.Post, r.Signals
	html, links, err := renderBody(s.Render, d.Body)
	if err != nil {
		return nil, v, err
	}
	n := &store.NewComment{Comment: comment.Comment{
		ID: r.ID, PostID: p.ID, Kind: comment.KindComment, AuthorName: d.AuthorName, AuthorEmail: d.AuthorEmail,
		AuthorURL: d.AuthorURL, BodySource: d.Body, BodyHTML: html, UserAgent: text.Clip(sub.UserAgent, 500), IP: ip,
	}, Notify: sub.Notify && d.AuthorEmail != ""}
	if sub.User != nil {
		n.AuthorUserID = sub.User.ID
	}
	in := moderation.Input{
		Kind: moderation.KindComment, AuthorName: d.AuthorName, AuthorEmail: d.AuthorEmail, AuthorURL: d.AuthorURL,
		IP: sub.IP, Text: d.Body, Links: links, HoneypotFilled: sub.Honeypot, SinceForm: sub.SinceForm,
		Member: sub.User != nil, Staff: isStaff(sub.User), MembersOnly: p.CommentPolicy == post.CommentsMembers,
	}
	if d.ParentID != 0 {
		parent, err := store.CommentByID(ctx, tx, d.ParentID)
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && (parent.PostID != p.ID || parent.Status != comment.StatusApproved)) {
			return nil, v, invalid(map[string]string{"parent_id": "The comment you are replying to is not on this post or is not shown."})
		}
		if err != nil {
			return nil, v, err
		}
		if parent.Kind.IsLinkback() {
			return nil, v, invalid(map[string]string{"parent_id": "Pingbacks and webmentions take no replies: reply on the page that links here."})
		}
		n.ParentID, n.Depth, n.ParentPath = comment.Attach(&parent.Comment, st.MaxDepth)
	}
	in.KnownAuthor, in.RecentFromIP, in.RecentFromEmail, in.Duplicate = sig.KnownAuthor, sig.RecentFromIP, sig.RecentFromEmail, sig.Duplicate
	// A flood (ten times the limit) is refused outright rather than
	// stored and held: the queue must stay usable.
	if !in.Staff && modRules.IPRate.On() && sig.RecentFromIP >= floodFactor*modRules.IPRate.Count {
		e := apperr.New(apperr.TooMany, "You are sending comments too fast. Please wait a few minutes.")
		e.RetryAfter = modRules.IPRate.Window
		return nil, v, e
	}
	v = moderation.Decide(modRules, in)
	n.Status, n.Reasons = v.Action.Status(), v.Reasons
	if n.Status == comment.StatusSpam {
		return n, v, nil // nothing is ever sent for spam
	}
	if err := s.Jobs.Enqueue(ctx, tx, jobargs.CommentArgs{CommentID: n.ID, Event: jobargs.EventCreated}); err != nil {
		return nil, v, err
	}
	if n.Notify {
		if err := s.optIn(ctx, tx, n); err != nil {
			return nil, v, err
		}
	}
	return n, v, nil
}

// optIn starts the double opt-in for an address that never confirmed.
func (s *Service) optIn(ctx context.Context, tx pgx.Tx, n *store.NewComment) error {
	_, confirmed, err := store.NotifyAddressState(ctx, tx, n.AuthorEmail)
	if err != nil || confirmed {
		return err
	}
	tok := NotifyToken(s.Key, n.AuthorEmail)
	if err := store.CreateNotifyAddress(ctx, tx, n.AuthorEmail, TokenHash(tok)); err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, jobargs.NotifyConfirmArgs{Email: n.AuthorEmail, CommentID: n.ID})
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
