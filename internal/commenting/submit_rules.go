package commenting

import (
	"errors"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/text"
)

// decide applies the rules to c once its post and signals were read (r,
// and the read's error err): the post must exist, be public and take the
// comment, the draft must be valid, the parent (read by parent: the
// comment replied to, apperr.ErrNotFound) approved on the same post, and
// the sender no flood. It returns the comment to store (the id the read
// took, the status and reasons the moderation rules gave), the verdict
// and the post, or the error Submit answers. It writes nothing: the
// caller enqueues the jobs and stores the comment, alone or in a batch.
func (s *Service) decide(c *submitCall, r store.SubmitRead, err error,
	parent func(id int64) (*store.Comment, error)) (*store.NewComment, moderation.Verdict, *post.Post, error) {
	var v moderation.Verdict
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && !r.Post.Public(s.now())) {
		return nil, v, nil, apperr.New(apperr.NotFound, "There is no such post.")
	}
	if err != nil {
		return nil, v, nil, err
	}
	p, sig, d, sub := r.Post, r.Signals, c.d, c.sub
	if err := policyErr(p.CommentsOpenAt(s.now(), c.st.CloseAfterDays), sub.User); err != nil {
		return nil, v, nil, err
	}
	if c.verr != nil {
		return nil, v, nil, fieldErrors(c.verr)
	}
	if c.rerr != nil {
		return nil, v, nil, c.rerr
	}
	n := &store.NewComment{Comment: comment.Comment{
		ID: r.ID, PostID: p.ID, Kind: comment.KindComment, AuthorName: d.AuthorName, AuthorEmail: d.AuthorEmail,
		AuthorURL: d.AuthorURL, BodySource: d.Body, BodyHTML: c.html, UserAgent: text.Clip(sub.UserAgent, 500), IP: c.ip,
	}, Notify: sub.Notify && d.AuthorEmail != ""}
	if sub.User != nil {
		n.AuthorUserID = sub.User.ID
	}
	in := moderation.Input{
		Kind: moderation.KindComment, AuthorName: d.AuthorName, AuthorEmail: d.AuthorEmail, AuthorURL: d.AuthorURL,
		IP: sub.IP, Text: d.Body, Links: c.links, HoneypotFilled: sub.Honeypot, SinceForm: sub.SinceForm,
		Member: sub.User != nil, Staff: isStaff(sub.User), MembersOnly: p.CommentPolicy == post.CommentsMembers,
	}
	if d.ParentID != 0 {
		parent, err := parent(d.ParentID)
		if errors.Is(err, apperr.ErrNotFound) || (err == nil && (parent.PostID != p.ID || parent.Status != comment.StatusApproved)) {
			return nil, v, nil, invalid(map[string]string{"parent_id": "The comment you are replying to is not on this post or is not shown."})
		}
		if err != nil {
			return nil, v, nil, err
		}
		if parent.Kind.IsLinkback() {
			return nil, v, nil, invalid(map[string]string{"parent_id": "Pingbacks and webmentions take no replies: reply on the page that links here."})
		}
		n.ParentID, n.Depth, n.ParentPath = comment.Attach(&parent.Comment, c.st.MaxDepth)
	}
	in.KnownAuthor, in.RecentFromIP, in.RecentFromEmail, in.Duplicate = sig.KnownAuthor, sig.RecentFromIP, sig.RecentFromEmail, sig.Duplicate
	// A flood (ten times the limit) is refused outright rather than
	// stored and held: the queue must stay usable.
	if rules := c.rules; !in.Staff && rules.IPRate.On() && sig.RecentFromIP >= floodFactor*rules.IPRate.Count {
		e := apperr.New(apperr.TooMany, "You are sending comments too fast. Please wait a few minutes.")
		e.RetryAfter = rules.IPRate.Window
		return nil, v, nil, e
	}
	v = moderation.Decide(c.rules, in)
	n.Status, n.Reasons = v.Action.Status(), v.Reasons
	return n, v, p, nil
}

// stored is what a comment stored earlier in a batch shows the signals
// of a later one: the columns CommentSubmitRead's counts compare.
type stored struct {
	postID     int64
	lowerEmail string // lower(author_email) as PostgreSQL computes it; "" for none
	ip         string // as stored: netip.Addr's canonical form, "" for none
	body       string // body_source
	approved   bool
}

// adjustSignals adds to sig, the signals a's read found in the database,
// what the batch's comments stored before this one (earlier, in their
// order) would have added had each run and committed on its own first,
// as store.CommentSubmitRead counts them: KnownAuthor, an approved
// comment from the same address; RecentFromIP and RecentFromEmail, any
// comment (spam too) from the same address or IP within the window; a
// Duplicate, the same body on the same post from the same address or IP
// within its window. The rows of one batch were all made moments ago, so
// they are within any window the settings can set (minutes; a day for
// duplicates), and within none that is zero (the read asks for rows newer
// than now minus the window, and a serial run's earlier rows are older
// than its now). me is this comment as
// stored would show it (its lowerEmail from the read; approved unused).
func adjustSignals(sig store.Signals, a store.SubmitArgs, me stored, earlier []stored) store.Signals {
	for _, e := range earlier {
		sameEmail := me.lowerEmail != "" && e.lowerEmail == me.lowerEmail
		sameIP := me.ip != "" && e.ip == me.ip
		if sameEmail && e.approved {
			sig.KnownAuthor = true
		}
		if sameIP && a.IPWindow > 0 {
			sig.RecentFromIP++
		}
		if sameEmail && a.EmailWindow > 0 {
			sig.RecentFromEmail++
		}
		if (sameEmail || sameIP) && a.DupWindow > 0 && e.postID == a.PostID && e.body == a.Body {
			sig.Duplicate = true
		}
	}
	return sig
}
