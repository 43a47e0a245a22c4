package moderation

import "time"

// RateLimit is at most Count items in Window. A Count of 0 or less turns the
// limit off.
type RateLimit struct {
	Count  int
	Window time.Duration
}

// On reports whether the limit is active.
func (r RateLimit) On() bool { return r.Count > 0 && r.Window > 0 }

// Settings are the site's moderation rules. Start from DefaultSettings: the
// zero value is strict about links (MaxLinks 0 holds any link) and lax
// about everything else.
type Settings struct {
	// MaxLinks: a comment with more links than this is held. 0 holds every
	// comment with a link; a negative value turns the rule off. Default 2.
	MaxLinks int
	// MinSeconds: a form sent sooner than this after the page loaded is held.
	// 0 turns the rule off. Default 3.
	MinSeconds int
	// IPRate and EmailRate: more items than Count from one IP address or
	// e-mail address within Window are held. Default 5 in 10 minutes each.
	IPRate, EmailRate RateLimit
	// HoldFirstComment holds a comment unless its e-mail address has an
	// approved comment already (or the author is a signed-in member).
	// Default true.
	HoldFirstComment bool
	// HoldLinkbacks holds pingbacks and webmentions. Default true: almost all
	// pingbacks are spam (Akismet, 2013).
	HoldLinkbacks bool
	// TrustApprovedSites lets linkbacks from a site that already has an
	// approved linkback skip HoldLinkbacks, as known commenters skip the
	// first-comment hold. Default false.
	TrustApprovedSites bool
	// Blocklist holds the site's word, e-mail, IP and domain entries.
	Blocklist Blocklist
}

// DefaultSettings returns the settings of a new site.
func DefaultSettings() Settings {
	return Settings{
		MaxLinks:         2,
		MinSeconds:       3,
		IPRate:           RateLimit{Count: 5, Window: 10 * time.Minute},
		EmailRate:        RateLimit{Count: 5, Window: 10 * time.Minute},
		HoldFirstComment: true,
		HoldLinkbacks:    true,
	}
}
