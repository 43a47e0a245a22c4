package guestpost

import (
	"quire/internal/text"

	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/apperr"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/render"
)

// Limits on what a guest sends.
const (
	MaxTitle   = post.MaxTitle
	MaxBody    = 200_000 // bytes of source: a long article, not a book
	MaxName    = 100
	MaxEmail   = 254
	MaxBio     = 1000 // characters
	MaxWebsite = 2000
	MaxNote    = 2000 // characters
	MaxMessage = 5000 // characters of an editor's message
)

// Flood limits: submissions past these are refused with 429 before
// anything is stored, so a flood cannot bury the review queue. They are
// stricter than the comment limits because one guest post is an
// afternoon's work, not a minute's.
const (
	FloodPerIP    = 5
	FloodPerEmail = 3
	FloodWindow   = time.Hour
)

// MaxLinks is the link-count rule for guest posts: more than this many
// links is a reason of its own in the queue (comments hold at two; an
// article cites more).
const MaxLinks = 10

// Action is what an editor or the guest does to a submission.
type Action string

// The actions.
const (
	ActReview         Action = "review"          // an editor starts reviewing
	ActEdit           Action = "edit"            // an editor saves a new version
	ActRequestChanges Action = "request_changes" // with a message
	ActDecline        Action = "decline"         // with a message
	ActAccept         Action = "accept"          // publish now or schedule
	ActRevise         Action = "revise"          // the guest answers a request
)

// Next returns the status a submission in from moves to by a, or
// apperr.Conflict when a is not possible there. Accepting returns
// Scheduled; the caller turns it into Published for a date not in the
// future.
func Next(from Status, a Action) (Status, error) {
	ok := false
	to := from
	switch a {
	case ActReview, ActEdit:
		ok, to = from.Open() || from == ChangesRequested, InReview
		if a == ActEdit && from == ChangesRequested {
			to = ChangesRequested // editing while waiting for the guest keeps waiting
		}
	case ActRequestChanges:
		ok, to = from.Open(), ChangesRequested
	case ActDecline:
		ok, to = from.Open() || from == ChangesRequested, Declined
	case ActAccept:
		ok, to = from.Open() || from == ChangesRequested, Scheduled
	case ActRevise:
		ok, to = from == ChangesRequested, InReview
	}
	if !ok {
		return from, apperr.New(apperr.Conflict, "This submission is %s: it cannot be %s now.", strings.ToLower(from.Label()), verb(a))
	}
	return to, nil
}

func verb(a Action) string {
	return map[Action]string{ActReview: "reviewed", ActEdit: "edited", ActRequestChanges: "sent back for changes",
		ActDecline: "declined", ActAccept: "accepted", ActRevise: "revised"}[a]
}

// Draft is a submission as the guest typed it.
type Draft struct {
	Title, Body string
	Format      post.Format
	Name, Email string
	Bio         string
	Website     string
	Note        string
}

// Normalize cleans the text fields (render.Clean) and trims them.
func (d *Draft) Normalize() {
	d.Title = strings.Join(strings.Fields(text.CleanName(d.Title)), " ")
	d.Body = render.Clean(d.Body)
	d.Name = strings.Join(strings.Fields(text.CleanName(d.Name)), " ")
	d.Email = strings.TrimSpace(render.Clean(d.Email))
	d.Bio = strings.TrimSpace(render.Clean(d.Bio))
	d.Website = strings.TrimSpace(render.Clean(d.Website))
	d.Note = strings.TrimSpace(render.Clean(d.Note))
	if d.Format == "" {
		d.Format = post.Markdown
	}
}

// Validate checks every field. It returns apperr.Invalid with one message
// per bad field (keys: title, body, format, name, email, bio, website,
// note).
func (d *Draft) Validate() error {
	f := map[string]string{}
	d.validateText(f)
	switch n := utf8.RuneCountInString(d.Name); {
	case n == 0:
		f["name"] = "Tell us your name, as it should appear on the post."
	case n > MaxName:
		f["name"] = fmt.Sprintf("Use at most %d characters.", MaxName)
	}
	if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || len(d.Email) > MaxEmail {
		f["email"] = "Enter an e-mail address like you@example.com: the status link goes there."
	}
	if utf8.RuneCountInString(d.Bio) > MaxBio {
		f["bio"] = fmt.Sprintf("Keep the bio to %d characters.", MaxBio)
	}
	if d.Website != "" && !webURL(d.Website) {
		f["website"] = "Enter a web address starting with http:// or https://."
	}
	if utf8.RuneCountInString(d.Note) > MaxNote {
		f["note"] = fmt.Sprintf("Keep the note to %d characters.", MaxNote)
	}
	return fields(f)
}

// ValidateText checks only the title, body and format: a revision.
func (d *Draft) ValidateText() error {
	f := map[string]string{}
	d.validateText(f)
	if utf8.RuneCountInString(d.Note) > MaxNote {
		f["note"] = fmt.Sprintf("Keep the note to %d characters.", MaxNote)
	}
	return fields(f)
}

func (d *Draft) validateText(f map[string]string) {
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		f["title"] = "Give the post a title."
	case n > MaxTitle:
		f["title"] = fmt.Sprintf("Use a title of at most %d characters.", MaxTitle)
	}
	switch {
	case strings.TrimSpace(d.Body) == "":
		f["body"] = "Write the post."
	case len(d.Body) > MaxBody:
		f["body"] = "The post is too long (at most 200 KB)."
	}
	if !d.Format.Valid() {
		f["format"] = "Choose Markdown or HTML."
	}
}

// CheckMessage validates an editor's message: required when asking for
// changes or declining. Returns apperr.Invalid on field "message".
func CheckMessage(msg string, required bool) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(msg)); {
	case n == 0 && required:
		return fields(map[string]string{"message": "Tell the guest why, in a few words."})
	case n > MaxMessage:
		return fields(map[string]string{"message": fmt.Sprintf("Keep the message to %d characters.", MaxMessage)})
	}
	return nil
}

// LinkReason is the link-count rule: a reason when a body with n links
// has more than MaxLinks.
func LinkReason(n int) (moderation.Reason, bool) {
	if n <= MaxLinks {
		return moderation.Reason{}, false
	}
	return moderation.Reason{Code: moderation.ReasonTooManyLinks, Action: moderation.Hold,
		Message: fmt.Sprintf("Contains %d links; more than %d is unusual for a guest post", n, MaxLinks)}, true
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= MaxWebsite
}

func fields(f map[string]string) error {
	if len(f) == 0 {
		return nil
	}
	return apperr.FieldErrors("Please correct the marked fields.", f)
}
