package moderation

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// Input is what Decide knows about one item. The caller fills it: the
// server from the request, the store for the counts and lookups.
type Input struct {
	Kind Kind

	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	IP          netip.Addr // the sender (the pingback requester for linkbacks); zero if unknown

	// Text is everything shown of the item as plain text: the comment or
	// guest post body; for a linkback, the source title and excerpt.
	Text string
	// Links are the link targets in the item (href values).
	Links []string

	// HoneypotFilled: the form's hidden field, invisible to people, has a value.
	HoneypotFilled bool
	// SinceForm is how long after the form was served the item was sent,
	// from a signed timestamp in the form; 0 = unknown (the API, linkbacks).
	// A negative value (a timestamp from the future) counts as too fast.
	SinceForm time.Duration

	// KnownAuthor: an approved comment exists from this e-mail address.
	KnownAuthor bool
	// Member: the author is signed in (member or staff); trusted enough to
	// skip the first-comment hold, and may comment on members-only posts.
	Member bool
	// Staff: the author is signed in as author, editor, moderator or admin.
	// Staff content is approved without rules; their actions are audited.
	Staff bool
	// MembersOnly: the post takes comments from members only. The server
	// normally refuses guests with 403 before Decide; linkbacks are held.
	MembersOnly bool

	// RecentFromIP and RecentFromEmail count the items already received
	// from this IP address and this e-mail address within Settings.IPRate
	// and EmailRate's windows, not counting this one.
	RecentFromIP, RecentFromEmail int
	// Duplicate: the same text was received recently on the same post.
	Duplicate bool
	// SiteApproved: a linkback from the same site was approved before.
	SiteApproved bool
}

// Decide applies every rule of s to in and returns the verdict: all the
// reasons that fired, most severe first, and the most severe action among
// them (Approve when none fired). It is pure and deterministic.
//
// The rules:
//
//   - honeypot filled → spam. No person sees the field.
//   - blocklist entries → their own action (hold or spam), one reason each.
//   - duplicate → spam, as WordPress refuses duplicates outright. The HTTP
//     layer may also answer 409.
//   - too fast (form sent under MinSeconds after page load) → hold, not
//     spam: neither WordPress core nor Isso have this rule, and a person can
//     trip it (a restored form, a pasted reply, a cached page with an old
//     timestamp refused as future), so it goes to a moderator rather than
//     to the spam bin. Only for comments and guest posts.
//   - rate limit (more than Count per IP or per e-mail in Window) → hold,
//     because one IP is often shared (NAT, offices). The HTTP layer may in
//     addition refuse floods with 429 before storing anything, as WordPress
//     (15 s flood check) and Isso (2 a minute per IP) do; Decide only sees
//     what was accepted.
//   - too many links (more than MaxLinks) → hold; comments only (guest posts
//     are reviewed anyway, and a linkback's excerpt is about a link).
//   - first comment from this e-mail address → hold, unless KnownAuthor or
//     Member; comments only.
//   - members-only post and not a member → hold.
//   - pingback or webmention → hold when HoldLinkbacks, unless
//     TrustApprovedSites and SiteApproved.
//   - guest post → always hold: an editor reviews every one.
//
// Staff are trusted: Decide approves their items without reasons.
func Decide(s Settings, in Input) Verdict {
	if in.Staff {
		return Verdict{Action: Approve}
	}
	var rs []Reason
	add := func(code ReasonCode, a Action, msg string) {
		rs = append(rs, Reason{Code: code, Action: a, Message: msg})
	}
	form := in.Kind == KindComment || in.Kind == KindGuestPost || in.Kind == KindContact

	if in.HoneypotFilled {
		add(ReasonHoneypot, Spam, "Filled in the hidden field")
	}
	rs = append(rs, s.Blocklist.match(&in)...)
	if in.Duplicate {
		add(ReasonDuplicate, Spam, "Same text as a recent comment")
	}
	if form && s.MinSeconds > 0 && in.SinceForm != 0 && in.SinceForm < time.Duration(s.MinSeconds)*time.Second {
		add(ReasonTooFast, Hold, "Sent "+seconds(in.SinceForm)+" after the page loaded")
	}
	if s.IPRate.On() && in.RecentFromIP >= s.IPRate.Count {
		add(ReasonRateLimited, Hold, rateMessage(s.IPRate, "this address"))
	}
	if s.EmailRate.On() && in.AuthorEmail != "" && in.RecentFromEmail >= s.EmailRate.Count {
		add(ReasonRateLimited, Hold, rateMessage(s.EmailRate, "this e-mail address"))
	}
	if in.Kind == KindComment && s.MaxLinks >= 0 && len(in.Links) > s.MaxLinks {
		add(ReasonTooManyLinks, Hold, fmt.Sprintf("Contains %s; more than %d are held", plural(len(in.Links), "link"), s.MaxLinks))
	}
	if in.Kind == KindComment && s.HoldFirstComment && !in.KnownAuthor && !in.Member {
		msg := "First comment from this e-mail address"
		if in.AuthorEmail == "" {
			msg = "First comment from this commenter (no e-mail address given)"
		}
		add(ReasonFirstComment, Hold, msg)
	}
	if in.MembersOnly && !in.Member && in.Kind != KindGuestPost {
		add(ReasonMembersOnly, Hold, "Comments on this post are for members only")
	}
	if in.Kind.IsLinkback() && s.HoldLinkbacks && !(s.TrustApprovedSites && in.SiteApproved) {
		msg := "Pingbacks are held for review"
		if in.Kind == KindWebmention {
			msg = "Webmentions are held for review"
		}
		add(ReasonLinkbackHold, Hold, msg)
	}
	if in.Kind == KindGuestPost {
		add(ReasonGuestPost, Hold, "Guest posts wait for an editor's review")
	}

	// Most severe first; rule order within a severity.
	slices.SortStableFunc(rs, func(a, b Reason) int { return b.Action.severity() - a.Action.severity() })
	v := Verdict{Action: Approve, Reasons: rs}
	if len(rs) > 0 {
		v.Action = rs[0].Action
		if !v.Action.Valid() {
			v.Action = Hold
		}
	}
	return v
}

// seconds writes a duration as "2.5 seconds", "1 second", "0 seconds".
func seconds(d time.Duration) string {
	d = max(d, 0).Round(100 * time.Millisecond)
	s := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	if s == "1" {
		return "1 second"
	}
	return s + " seconds"
}

func rateMessage(r RateLimit, from string) string {
	var window string
	if r.Window%time.Minute == 0 {
		window = plural(int(r.Window/time.Minute), "minute")
	} else {
		window = seconds(r.Window)
	}
	return fmt.Sprintf("More than %s from %s in %s", plural(r.Count, "comment"), from, window)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
