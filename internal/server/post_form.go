package server

import (
	"net/http"
	"strings"
	"time"

	"quire/internal/apperr"
	"quire/internal/post"
)

// postForm is the editor's form as strings, so a refused save shows what
// was typed.
type postForm struct {
	Title, Slug, Body, Format, Excerpt, Tags, Categories string
	Status, PublishedAt, CommentPolicy                   string
	// Pages: the kind of a new item, and a page's settings (page_admin.go).
	Kind, NavOrder, Template string
	// Zone is the time zone PublishedAt is written in ("" is UTC): the
	// blog's, so the date-time picker speaks local time (editor_actions.go).
	Zone string
	// Action is the button pressed (editor_actions.go).
	Action string
	// Featured is the featured image's media id, "" for none (featured.go).
	Featured string
	// Pinned is "1" or "0" when the form had the box (editors and admins,
	// posts only), "" when it had none: the stored value stays.
	Pinned string
}

// formTime is the editor's date format (an <input type="datetime-local">,
// read as UTC).
const formTime = "2006-01-02T15:04"

func formOf(p *post.Post) postForm {
	f := postForm{
		Title: p.Title, Slug: p.Slug, Body: p.BodySource, Format: string(p.Format), Excerpt: p.ExcerptSource,
		Tags: post.JoinTerms(p.Tags), Categories: post.JoinTerms(p.Categories),
		Status: string(p.Status), CommentPolicy: string(p.CommentPolicy), Kind: string(p.Kind),
		Pinned: boxValue(p.Pinned),
	}
	if !p.PublishedAt.IsZero() {
		f.PublishedAt = p.PublishedAt.UTC().Format(formTime)
	}
	return f
}

// boxValue is a tick box's state as postForm keeps it: "1" or "0".
func boxValue(on bool) string {
	if on {
		return "1"
	}
	return "0"
}

func readPostForm(r *http.Request) (postForm, error) {
	if err := r.ParseForm(); err != nil {
		return postForm{}, apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	v := r.PostForm.Get
	pinned := ""
	if v("pinned_box") != "" { // an unticked box sends nothing
		pinned = boxValue(v("pinned") != "")
	}
	return postForm{
		Title: v("title"), Slug: strings.TrimSpace(v("slug")), Body: v("body"), Format: v("format"), Excerpt: v("excerpt"),
		Tags: v("tags"), Categories: v("categories"),
		PublishedAt: strings.TrimSpace(v("published_at")), CommentPolicy: v("comment_policy"),
		Kind: v("kind"), NavOrder: strings.TrimSpace(v("nav_order")), Template: v("template"),
		Status: statusOfAction(v("action"), v("status")), Zone: v("tz"), Action: v("action"),
		Featured: strings.TrimSpace(v("featured_media_id")), // the editor's buttons (editor_actions.go)
		Pinned:   pinned,
	}, nil
}

// apply copies the form into p, resolves the status against now (a future
// date schedules), then prepare validates and renders it
// (publishing.Service.Prepare). Returns apperr.Invalid with field messages.
func (f postForm) apply(p *post.Post, now time.Time, prepare func(*post.Post) error) error {
	p.Title, p.Slug, p.BodySource, p.ExcerptSource = f.Title, f.Slug, f.Body, f.Excerpt
	if p.ID == 0 && f.Kind == string(post.KindPage) {
		p.Kind = post.KindPage // a new page; a stored item keeps its kind
	}
	p.Format, p.CommentPolicy = post.Format(f.Format), post.CommentPolicy(f.CommentPolicy)
	p.Tags, p.Categories = post.ParseTerms(post.Tag, f.Tags), post.ParseTerms(post.Category, f.Categories)
	var at time.Time
	if f.PublishedAt != "" {
		t, err := time.ParseInLocation(formTime, f.PublishedAt, zoneOf(f.Zone))
		if err != nil {
			return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"published_at": "Use a date like 2026-11-23T09:30."})
		}
		at = t.UTC()
	}
	if f.Action == "schedule" && !at.After(now) {
		return apperr.FieldErrors("Please correct the marked fields.", map[string]string{"published_at": "Pick a future date and time to schedule."})
	}
	if f.Status == "" {
		f.Status = string(post.Draft)
	}
	p.Status, p.PublishedAt = post.Schedule(post.Status(f.Status), at, now)
	return prepare(p)
}
