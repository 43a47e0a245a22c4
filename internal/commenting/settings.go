// Package commenting is the comment workflow shared by the HTML pages and
// the JSON API: check the post's policy, validate and render the draft,
// apply the moderation rules with counts from the store, store the comment
// and enqueue its notifications in one transaction; and the moderators'
// actions on the queue. It sits between the handlers and the store; the
// rules themselves live in the pure packages comment and moderation.
package commenting

import (
	"context"
	"fmt"
	"time"

	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/store"
)

// Sign-up modes for members.
const (
	SignUpClosed     = "closed"
	SignUpInvitation = "invitation"
	SignUpOpen       = "open"
)

// Settings are the site's discussion settings, kept as JSON under the
// settings key "comments" (the auto-close days under the publishing
// issue's key "comments_close_after_days").
type Settings struct {
	MaxLinks         int    `json:"max_links"`
	MinSeconds       int    `json:"min_seconds"`
	IPRateCount      int    `json:"ip_rate_count"`
	IPRateMinutes    int    `json:"ip_rate_minutes"`
	EmailRateCount   int    `json:"email_rate_count"`
	EmailRateMinutes int    `json:"email_rate_minutes"`
	HoldFirstComment bool   `json:"hold_first_comment"`
	HoldLinkbacks    bool   `json:"hold_linkbacks"`
	TrustSites       bool   `json:"trust_sites"` // approve linkbacks from a site with an approved one before
	Blocklist        string `json:"blocklist"`
	MaxDepth         int    `json:"max_depth"`
	NewestFirst      bool   `json:"newest_first"`
	PerPage          int    `json:"per_page"` // top-level threads per page; 0 = all on one page
	EmailOptional    bool   `json:"email_optional"`
	SignUp           string `json:"sign_up"`
	SpamDays         int    `json:"spam_days"`         // "empty spam" removes spam older than this
	MaxCommentChars  int    `json:"max_comment_chars"` // the longest comment, stated next to the form's box
	CloseAfterDays   int    `json:"-"`
}

// Setting keys. SettingsKey's row exists once the discussion settings
// were saved (the dashboard's first steps look for it).
const (
	SettingsKey   = "comments"
	closeAfterKey = "comments_close_after_days"
)

// DefaultSettings are a new site's, WordPress's defaults where it has one.
func DefaultSettings() Settings {
	d := moderation.DefaultSettings()
	return Settings{
		MaxLinks: d.MaxLinks, MinSeconds: d.MinSeconds,
		IPRateCount: d.IPRate.Count, IPRateMinutes: int(d.IPRate.Window / time.Minute),
		EmailRateCount: d.EmailRate.Count, EmailRateMinutes: int(d.EmailRate.Window / time.Minute),
		HoldFirstComment: d.HoldFirstComment, HoldLinkbacks: d.HoldLinkbacks,
		MaxDepth: comment.DefaultMaxDepth, PerPage: 50, SignUp: SignUpClosed, SpamDays: 15,
		MaxCommentChars: comment.DefaultMaxBodyRunes,
	}
}

// Validate checks the ranges and parses the blocklist, returning a
// per-field message map (empty when all is well).
func (s *Settings) Validate() map[string]string {
	f := map[string]string{}
	check := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			f[name] = fmt.Sprintf("Enter a number from %d to %d.", lo, hi)
		}
	}
	check("max_links", s.MaxLinks, -1, 100)
	check("min_seconds", s.MinSeconds, 0, 600)
	check("ip_rate_count", s.IPRateCount, 0, 10000)
	check("ip_rate_minutes", s.IPRateMinutes, 1, 10080)
	check("email_rate_count", s.EmailRateCount, 0, 10000)
	check("email_rate_minutes", s.EmailRateMinutes, 1, 10080)
	check("max_depth", s.MaxDepth, 1, comment.MaxMaxDepth)
	check("per_page", s.PerPage, 0, 1000)
	check("spam_days", s.SpamDays, 0, 3650)
	check("max_comment_chars", s.MaxCommentChars, 100, comment.MaxBodyRunesCeiling)
	check("close_after_days", s.CloseAfterDays, 0, 36500)
	switch s.SignUp {
	case SignUpClosed, SignUpInvitation, SignUpOpen:
	default:
		f["sign_up"] = "Choose closed, by invitation or open."
	}
	if _, err := moderation.ParseBlocklist(s.Blocklist); err != nil {
		f["blocklist"] = err.Error()
	}
	return f
}

// Rules returns the moderation settings these settings describe.
func (s *Settings) Rules() (moderation.Settings, error) {
	bl, err := moderation.ParseBlocklist(s.Blocklist)
	if err != nil {
		return moderation.Settings{}, err
	}
	return moderation.Settings{
		MaxLinks: s.MaxLinks, MinSeconds: s.MinSeconds,
		IPRate:           moderation.RateLimit{Count: s.IPRateCount, Window: time.Duration(s.IPRateMinutes) * time.Minute},
		EmailRate:        moderation.RateLimit{Count: s.EmailRateCount, Window: time.Duration(s.EmailRateMinutes) * time.Minute},
		HoldFirstComment: s.HoldFirstComment, HoldLinkbacks: s.HoldLinkbacks, Blocklist: bl,
		TrustApprovedSites: s.TrustSites,
	}, nil
}

// LoadSettings reads the settings, defaults filling what was never saved.
func LoadSettings(ctx context.Context, db store.DB) (Settings, error) {
	s := DefaultSettings()
	if err := store.GetSetting(ctx, db, SettingsKey, &s); err != nil {
		return s, err
	}
	if err := store.GetSetting(ctx, db, closeAfterKey, &s.CloseAfterDays); err != nil {
		return s, err
	}
	return s, nil
}

// SaveSettings stores s, which the caller has validated.
func SaveSettings(ctx context.Context, db store.DB, s Settings) error {
	if err := store.PutSetting(ctx, db, SettingsKey, s); err != nil {
		return err
	}
	return store.PutSetting(ctx, db, closeAfterKey, s.CloseAfterDays)
}
