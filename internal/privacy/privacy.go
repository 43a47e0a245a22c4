// Package privacy holds what Quire keeps about one person, found by their
// e-mail address: the report an admin reads or downloads when someone asks
// what the blog holds about them, and what erasing it did. WordPress calls
// these tools Export and Erase Personal Data. The workflow is in
// siteadmin (privacy.go), the SQL in store (privacy.go).
package privacy

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"quire/internal/apperr"
	"quire/internal/text"
)

// MaxComments is the most comments a report lists. A report past it says
// so (CommentsTruncated); the erase covers every one.
const MaxComments = 20000

// Address returns s as a report's key: trimmed and lower-cased, as Quire
// compares addresses everywhere. Errors: apperr.Invalid for anything that
// is not one e-mail address.
func Address(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 254 {
		return "", apperr.New(apperr.Invalid, "Give one e-mail address (3 to 254 characters).")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", apperr.New(apperr.Invalid, "%q is not an e-mail address.", s)
	}
	return s, nil
}

// Report is everything stored under one address.
type Report struct {
	Email       string    `json:"email"`
	GeneratedAt time.Time `json:"generated_at"`
	// Account is the username of the account with this address ("" none):
	// accounts are changed or deleted on the Users page, not here.
	Account            string              `json:"account,omitempty"`
	Comments           []Comment           `json:"comments"`
	CommentsTruncated  bool                `json:"comments_truncated,omitempty"`
	Guest              *Guest              `json:"guest,omitempty"`
	Submissions        []Submission        `json:"guest_submissions"`
	ContactMessages    []ContactMessage    `json:"contact_messages"`
	Newsletter         *Subscription       `json:"newsletter,omitempty"`
	ReplyNotifications *ReplyNotifications `json:"reply_notifications,omitempty"`
	// OutboxMails counts the mails to the address in the local outbox.
	OutboxMails int `json:"outbox_mails"`
}

// Empty reports whether nothing is stored under the address.
func (r *Report) Empty() bool {
	return r.Account == "" && len(r.Comments) == 0 && r.Guest == nil && len(r.Submissions) == 0 &&
		len(r.ContactMessages) == 0 && r.Newsletter == nil && r.ReplyNotifications == nil && r.OutboxMails == 0
}

// Comment is one comment left with the address.
type Comment struct {
	ID        int64     `json:"id"`
	PostTitle string    `json:"post_title"`
	PostPath  string    `json:"post_path"`
	Status    string    `json:"status"`
	Name      string    `json:"name"`
	Website   string    `json:"website"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	Body      string    `json:"body"`
	Notify    bool      `json:"reply_notifications"`
	CreatedAt time.Time `json:"created_at"`
}

// Excerpt is the start of c's text, for a list.
func (c Comment) Excerpt() string {
	return text.Ellipsis(strings.Join(strings.Fields(c.Body), " "), 160)
}

// Guest is the guest-author profile with the address: the byline, bio
// and website its published guest posts show.
type Guest struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Bio       string `json:"bio"`
	Website   string `json:"website"`
	Published int    `json:"published_posts"`
}

// Submission is one guest post sent with the address.
type Submission struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Status    string    `json:"status"`
	Name      string    `json:"name"`
	Website   string    `json:"website"`
	Note      string    `json:"note"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	Published bool      `json:"published"` // it became a post
	CreatedAt time.Time `json:"created_at"`
}

// ContactMessage is one message sent through a contact page.
type ContactMessage struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Message   string    `json:"message"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	CreatedAt time.Time `json:"created_at"`
}

// Subscription is the address's newsletter subscription.
type Subscription struct {
	Status    string    `json:"status"`
	Mode      string    `json:"mode"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// ReplyNotifications is the address's consent to reply notifications.
type ReplyNotifications struct {
	Confirmed bool      `json:"confirmed"`
	CreatedAt time.Time `json:"created_at"`
}

// Erased is what an erase did, counted.
type Erased struct {
	// CommentsAnonymised lost their name, address, website, IP, user
	// agent and account; their text stays, shown as Anonymous's.
	CommentsAnonymised int64 `json:"comments_anonymised"`
	// SubmissionsDeleted were guest posts never published;
	// SubmissionsKept became posts and lost their address, IP, user agent
	// and note, keeping the byline their post shows.
	SubmissionsDeleted int64 `json:"guest_submissions_deleted"`
	SubmissionsKept    int64 `json:"guest_submissions_kept"`
	// GuestKept: the guest profile has published posts, so its byline,
	// bio and website stay public until an editor changes them; its
	// address is gone.
	GuestKept        bool   `json:"guest_profile_kept"`
	ContactDeleted   int64  `json:"contact_messages_deleted"`
	NewsletterGone   bool   `json:"newsletter_forgotten"`
	RepliesGone      bool   `json:"reply_notifications_deleted"`
	OutboxDeleted    int64  `json:"outbox_mails_deleted"`
	OtherRowsGone    int64  `json:"other_rows_deleted"` // pending sign-ups, invitations, mail counters
	AccountUntouched string `json:"account_untouched,omitempty"`
}

// Words says what e did, for the flash and the audit log, without the
// address.
func (e Erased) Words() string {
	var parts []string
	add := func(n int64, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, strconv.FormatInt(n, 10)+" "+many)
		}
	}
	add(e.CommentsAnonymised, "comment anonymised", "comments anonymised")
	add(e.SubmissionsDeleted, "unpublished guest post deleted", "unpublished guest posts deleted")
	add(e.SubmissionsKept, "published guest post stripped of its address", "published guest posts stripped of their address")
	add(e.ContactDeleted, "contact message deleted", "contact messages deleted")
	if e.NewsletterGone {
		parts = append(parts, "newsletter subscription forgotten")
	}
	if e.RepliesGone {
		parts = append(parts, "reply notifications ended")
	}
	add(e.OutboxDeleted, "outbox mail deleted", "outbox mails deleted")
	if len(parts) == 0 {
		return "nothing was stored under the address"
	}
	return strings.Join(parts, ", ")
}
