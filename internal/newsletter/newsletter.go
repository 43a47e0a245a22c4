// Package newsletter is the workflow behind following the blog by e-mail:
// double opt-in subscribing with the comment form's anti-spam, signed mail
// links, turning a post that goes public (or a week of posts) into an issue
// exactly once across nodes, and sending it to every confirmed subscriber
// at a configured rate with one delivery row per subscriber and issue. Like
// internal/commenting it is shared by the HTML pages, the API and the jobs,
// and it reaches the database only through internal/store.
package newsletter

import (
	"crypto/sha256"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/apperr"
)

// Status is where a subscriber stands.
type Status string

// The statuses.
const (
	Pending      Status = "pending"      // asked, not confirmed: only the confirmation mail goes out
	Confirmed    Status = "confirmed"    // gets issues
	Unsubscribed Status = "unsubscribed" // left or removed: the row keeps only its hash
	Failing      Status = "failing"      // MaxFailures hard SMTP failures in a row: no more mail
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == Pending || s == Confirmed || s == Unsubscribed || s == Failing
}

// Mode is what a subscriber asked for.
type Mode string

// The modes.
const (
	EachPost Mode = "each"   // every post as it goes public
	Weekly   Mode = "weekly" // one digest of the week's posts, on Monday
)

// ParseMode reads a form or API value; empty means EachPost.
func ParseMode(s string) (Mode, bool) {
	switch Mode(s) {
	case "", EachPost:
		return EachPost, true
	case Weekly:
		return Weekly, true
	}
	return "", false
}

// Limits and windows.
const (
	// ResendWindow: an address that asks again within it gets no second
	// confirmation mail, so the form cannot be used to mail-bomb someone.
	ResendWindow = 24 * time.Hour
	// ConfirmValidFor is how long a confirmation link works.
	ConfirmValidFor = 7 * 24 * time.Hour
	// MaxFailures hard (5xx) SMTP refusals in a row mark an address failing.
	MaxFailures = 3
	// MaxImportRows and MaxImportBytes bound one CSV import.
	// (The admin form's body limit is 1 MB.)
	MaxImportRows  = 20000
	MaxImportBytes = 900 << 10
	// Lookback: a post that went public longer ago than this when first
	// seen (an imported one, say) is not mailed.
	Lookback = 72 * time.Hour
	// MaxEmail is RFC 5321's path limit.
	MaxEmail = 254
)

// MsgInvalidEmail is shown for an address that cannot be one.
const MsgInvalidEmail = "This does not look like an e-mail address."

// Normalize trims and lower-cases an address and checks that it is one bare
// address with a dotted domain. Errors: apperr.Invalid with field "email".
func Normalize(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	bad := apperr.FieldErrors(MsgInvalidEmail, map[string]string{"email": MsgInvalidEmail})
	if s == "" || len(s) > MaxEmail || !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n<>,;\" ") {
		return "", bad
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", bad
	}
	return s, nil
}

// Hash is what the database keeps to recognise an address it has
// forgotten: SHA-256 of the normalised address.
func Hash(email string) []byte {
	h := sha256.Sum256([]byte(email))
	return h[:]
}

// MayResend reports whether a new confirmation mail may go to an address
// whose last one went at last (zero: never).
func MayResend(last, now time.Time) bool {
	return last.IsZero() || now.Sub(last) >= ResendWindow
}

// WeekStart returns the Monday 00:00 UTC that starts t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, time.UTC)
}

var timeZero time.Time
