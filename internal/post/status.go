package post

import (
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
)

// Status is where a post is in its life.
type Status string

// The statuses. A scheduled post whose time has come is public without
// anything rewriting its status (see Public).
const (
	Draft     Status = "draft"
	Pending   Status = "pending" // waiting for an editor's review
	Scheduled Status = "scheduled"
	Published Status = "published"
	Trashed   Status = "trashed"
)

// Statuses lists every status in the order editors see them.
var Statuses = []Status{Draft, Pending, Scheduled, Published, Trashed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Label is the status's name for people.
func (s Status) Label() string {
	if s == Pending {
		return "Pending review"
	}
	if s == "" {
		return ""
	}
	return string(s[0]-'a'+'A') + string(s[1:])
}

// Schedule resolves a requested status and date against now: publishing
// with a future date schedules, scheduling with a past date publishes, and
// either without a date means now. Other statuses keep the date as given.
func Schedule(to Status, at, now time.Time) (Status, time.Time) {
	if to != Published && to != Scheduled {
		return to, at
	}
	if at.IsZero() {
		at = now
	}
	if at.After(now) {
		return Scheduled, at.Truncate(time.Second)
	}
	return Published, at
}

// Transition checks that u may save p (as stored; ID 0 for a new post) with
// status to. Contributors may only save drafts and submit them (pending),
// and may not touch a post once it is scheduled or published; authors may
// do anything to their own posts; editors and admins to any post;
// moderators and members nothing. Every answer comes from account.Can.
// Returns apperr.Unauthorized for no user, apperr.Forbidden otherwise.
func Transition(u *account.User, p *Post, to Status) error {
	if u == nil {
		return apperr.New(apperr.Unauthorized, "Please sign in.")
	}
	if !to.Valid() {
		return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"status": "Unknown status."})
	}
	owner := account.Owned(p.AuthorID)
	if p.ID == 0 && to == Trashed {
		return apperr.New(apperr.Invalid, "A new post cannot go straight to the trash.")
	}
	if p.Kind == KindPage {
		// Pages belong to the site, not to their author: whoever manages
		// pages may give them any status.
		if !account.Can(u, account.ManagePages, account.Site) {
			return forbidden()
		}
		return nil
	}
	if p.ID == 0 {
		if !account.Can(u, account.CreatePost, account.Site) || p.AuthorID != u.ID && !account.Can(u, account.EditPost, owner) {
			return forbidden()
		}
	} else if !CanEdit(u, p) {
		return forbidden()
	}
	var need account.Action
	switch to {
	case Draft:
		need = account.EditPost
	case Pending:
		need = account.SubmitPost
	case Scheduled, Published:
		need = account.PublishPost
	case Trashed:
		need = account.TrashPost
	}
	if p.ID == 0 && to == Draft {
		return nil // CreatePost was enough
	}
	if !account.Can(u, need, owner) {
		return forbidden()
	}
	return nil
}

// CanEdit reports whether u may change p's content: its owner or an editor
// may, except that a post already scheduled or published is changed only by
// those who may publish it.
func CanEdit(u *account.User, p *Post) bool {
	if p.Kind == KindPage {
		return account.Can(u, account.ManagePages, account.Site)
	}
	owner := account.Owned(p.AuthorID)
	if !account.Can(u, account.EditPost, owner) {
		return false
	}
	if p.Status == Published || p.Status == Scheduled {
		return account.Can(u, account.PublishPost, owner)
	}
	return true
}

// CanRead reports whether u may see p at now: anyone once it is public, else
// those who may read its drafts.
func CanRead(u *account.User, p *Post, now time.Time) bool {
	if p.Kind == KindPage {
		return p.Public(now) || account.Can(u, account.ManagePages, account.Site)
	}
	return p.Public(now) || account.Can(u, account.ReadDraft, account.Owned(p.AuthorID))
}

func forbidden() error {
	return apperr.New(apperr.Forbidden, "You may not do that to this post.")
}

// MayPin reports whether u may pin posts to the top of the front page, or
// unpin them: editors and admins, who publish anyone's posts (as in
// WordPress, where "Stick to the front page" is theirs).
func MayPin(u *account.User) bool { return account.Can(u, account.PublishPost, account.Site) }
