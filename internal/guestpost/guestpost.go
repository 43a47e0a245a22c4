// Package guestpost holds guest posts: a Submission from someone without
// an account, its Versions and Messages, the review Status and the rules
// for moving between statuses, and the validation of what a guest sends.
// It is pure: no HTTP, no SQL, no clock.
package guestpost

import (
	"time"

	"quire/internal/moderation"
	"quire/internal/post"
)

// Status is where a submission is in its review.
type Status string

// The statuses, in the order a submission usually passes them. A
// Scheduled submission reads as Published once its post's time has come
// (Effective).
const (
	Received         Status = "received"
	InReview         Status = "in_review"
	ChangesRequested Status = "changes_requested"
	Scheduled        Status = "scheduled" // accepted and scheduled
	Published        Status = "published"
	Declined         Status = "declined"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Received, InReview, ChangesRequested, Scheduled, Published, Declined:
		return true
	}
	return false
}

// Label is the status in words, for the guest and the editors.
func (s Status) Label() string {
	switch s {
	case Received:
		return "Received"
	case InReview:
		return "In review"
	case ChangesRequested:
		return "Changes requested"
	case Scheduled:
		return "Accepted and scheduled"
	case Published:
		return "Published"
	case Declined:
		return "Declined"
	}
	return string(s)
}

// Open reports whether the submission still waits for an editor: it is in
// the review queue.
func (s Status) Open() bool { return s == Received || s == InReview }

// Guest is a guest author as shown on published posts.
type Guest struct {
	ID        int64
	Name      string
	Email     string
	BioSource string
	BioHTML   string // sanitised (render.Bio)
	Website   string
	Trusted   bool // an editor vouches for the website: no rel="nofollow ugc"
}

// Path is the guest author page.
func (g Guest) Path() string { return post.GuestPath(g.ID) }

// WebsiteRel is the rel of a link to the guest's website.
func (g Guest) WebsiteRel() string {
	if g.Trusted {
		return "noopener"
	}
	return "nofollow ugc noopener"
}

// Submission is one guest post on its way through review. Name, Email,
// BioSource, BioHTML and Website are what the guest typed with it; the
// Guest row takes them only on acceptance.
type Submission struct {
	ID          int64
	GuestID     int64
	Status      Status
	Spam        bool // the rules said spam: never mailed, kept out of the held list
	Name        string
	Email       string
	BioSource   string
	BioHTML     string
	Website     string
	Note        string // to the editors, plain text
	Reasons     []moderation.Reason
	IP          string
	UserAgent   string
	PostID      int64  // the published post, once accepted
	IntroSource string // the editor's note on top of the post, Markdown
	IntroHTML   string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Title         string // of the latest version, filled by lists
	GuestTrusted  bool
	PostSlug      string
	PostPublished time.Time // the post's date, once accepted
}

// Effective is the status the guest sees at now: a scheduled submission
// whose post's time has come is published.
func (s *Submission) Effective(now time.Time) Status {
	if s.Status == Scheduled && !s.PostPublished.IsZero() && !s.PostPublished.After(now) {
		return Published
	}
	return s.Status
}

// Version is one version of a submission's text: by the guest (EditorID
// 0) or an editor's edit.
type Version struct {
	ID           int64
	SubmissionID int64
	Number       int
	EditorID     int64
	EditorName   string
	Title        string
	Format       post.Format
	BodySource   string
	BodyHTML     string // sanitised (render.GuestPost)
	CreatedAt    time.Time
}

// ByGuest reports whether the guest wrote v.
func (v Version) ByGuest() bool { return v.EditorID == 0 }

// Event names what a Message records.
type Event string

// The events.
const (
	EventSubmitted        Event = "submitted"
	EventRevised          Event = "revised"
	EventReview           Event = "review"
	EventEdit             Event = "edit"
	EventChangesRequested Event = "changes_requested"
	EventDeclined         Event = "declined"
	EventAccepted         Event = "accepted"
)

// Message is one line of a submission's history: who did what, with their
// words. Editors' messages are shown to the guest.
type Message struct {
	ID           int64
	SubmissionID int64
	EditorID     int64 // 0: the guest
	EditorName   string
	Event        Event
	Body         string
	CreatedAt    time.Time
}

// FromGuest reports whether the guest wrote m.
func (m Message) FromGuest() bool { return m.EditorID == 0 }

// LatestByGuest returns the newest version the guest wrote (the one an
// editor's edit is compared with), or the zero Version.
func LatestByGuest(vs []Version) Version {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].ByGuest() {
			return vs[i]
		}
	}
	return Version{}
}
