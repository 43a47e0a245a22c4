// Package moderation decides what happens to everything readers and other
// sites send — comments, pingbacks, webmentions and guest posts: approve,
// hold for a moderator, or mark as spam, always with the reasons in plain
// words so the queue can say why an item is there.
//
// The package is pure and deterministic: Decide takes the site's Settings
// and an Input the caller has filled (counts and lookups come from the
// store), and returns a Verdict. It keeps no state, does no I/O and reads no
// clock, so the same input always gives the same verdict and every rule is a
// table test.
package moderation

import "fmt"

// Action is what happens to an item. The order of severity is
// Spam > Hold > Approve; a verdict takes the most severe action any rule asks
// for.
type Action string

// The actions.
const (
	Approve Action = "approve"
	Hold    Action = "hold"
	Spam    Action = "spam"
)

// severity orders actions; unknown actions count as Hold so that a typo can
// never approve something.
func (a Action) severity() int {
	switch a {
	case Approve:
		return 0
	case Spam:
		return 2
	}
	return 1
}

// Valid reports whether a is one of the three actions.
func (a Action) Valid() bool { return a == Approve || a == Hold || a == Spam }

// Kind is the kind of item being moderated.
type Kind string

// The kinds of item in the moderation queue.
const (
	KindComment    Kind = "comment"
	KindPingback   Kind = "pingback"
	KindWebmention Kind = "webmention"
	KindGuestPost  Kind = "guest_post"
	// KindContact is a contact-page message: it goes through the form
	// rules but never into the queue (it is mailed to the admins), so it
	// is not Valid as a queue kind.
	KindContact Kind = "contact"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindComment, KindPingback, KindWebmention, KindGuestPost:
		return true
	}
	return false
}

// IsLinkback reports whether k is a pingback or a webmention.
func (k Kind) IsLinkback() bool { return k == KindPingback || k == KindWebmention }

// ReasonCode is the stable, machine-readable name of a rule that fired. It
// is stored with the item and returned by the API; Reason.Message is the
// words shown to people.
type ReasonCode string

// The reason codes.
const (
	ReasonFirstComment    ReasonCode = "first_comment"    // hold
	ReasonTooManyLinks    ReasonCode = "too_many_links"   // hold
	ReasonBlocklistWord   ReasonCode = "blocklist_word"   // hold or spam, per entry
	ReasonBlocklistEmail  ReasonCode = "blocklist_email"  // hold or spam, per entry
	ReasonBlocklistIP     ReasonCode = "blocklist_ip"     // hold or spam, per entry
	ReasonBlocklistDomain ReasonCode = "blocklist_domain" // hold or spam, per entry
	ReasonHoneypot        ReasonCode = "honeypot"         // spam
	ReasonTooFast         ReasonCode = "too_fast"         // hold
	ReasonRateLimited     ReasonCode = "rate_limited"     // hold
	ReasonDuplicate       ReasonCode = "duplicate"        // spam
	ReasonMembersOnly     ReasonCode = "members_only"     // hold
	ReasonLinkbackHold    ReasonCode = "linkback_hold"    // hold
	ReasonGuestPost       ReasonCode = "guest_post"       // hold: every guest post is reviewed
)

// Reason is one rule that fired: its code, the action it asks for on its
// own, and a message in plain words for the queue ("Contains 5 links; more
// than 2 are held").
type Reason struct {
	Code    ReasonCode
	Action  Action
	Message string
}

// Verdict is the outcome of Decide: the most severe action any rule asked
// for, and every reason that fired (never just the first), most severe
// first, then in rule order.
type Verdict struct {
	Action  Action
	Reasons []Reason
}

// Codes returns the codes of v's reasons, in order.
func (v Verdict) Codes() []ReasonCode {
	out := make([]ReasonCode, len(v.Reasons))
	for i, r := range v.Reasons {
		out[i] = r.Code
	}
	return out
}

// Has reports whether a reason with code c fired.
func (v Verdict) Has(c ReasonCode) bool {
	for _, r := range v.Reasons {
		if r.Code == c {
			return true
		}
	}
	return false
}

// String is for logs: "hold [first_comment too_many_links]".
func (v Verdict) String() string { return fmt.Sprintf("%s %v", v.Action, v.Codes()) }
