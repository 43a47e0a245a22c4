package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/guestpost"
	"quire/internal/guestposting"
	"quire/internal/post"
)

// guestListPage is the review queue: guest submissions by status, and
// contributors' posts waiting for review.
type guestListPage struct {
	Page
	Subs     []guestpost.Submission
	Status   string // the filter: open, changes_requested, …, spam, all
	Filters  []string
	Pending  []*post.Post // contributors' submissions (status pending)
	NextURL  string
	Disabled bool // the "Write for us" page is off
}

func (s *Server) guestList(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ReviewGuestPosts, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	st := r.URL.Query().Get("status")
	f, ok := guestposting.FilterFor(st)
	if !ok {
		return apperr.New(apperr.Invalid, "Unknown status %q.", st)
	}
	if st == "" {
		st = "open"
	}
	f.Limit = 50
	f.Before, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	subs, next, err := s.guests.List(ctx, f)
	if err != nil {
		return err
	}
	pg := guestListPage{Page: s.page(r, "Guest posts"), Subs: subs, Status: st, Disabled: s.siteInfo(ctx).GuestPostsOff,
		Filters: []string{"open", "changes_requested", "scheduled", "published", "declined", "spam", "all"}}
	pg.NoIndex = true
	if next != 0 {
		pg.NextURL = "/admin/guest-posts?status=" + st + "&before=" + strconv.FormatInt(next, 10)
	}
	if st == "open" && f.Before == 0 {
		if pg.Pending, err = s.guests.PendingPosts(ctx); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "guest_list", pg)
}

// guestReviewPage is one submission for an editor: the sanitised preview,
// every version, the diff of the editor's text against the guest's, the
// history, and the forms of each action.
type guestReviewPage struct {
	Page
	Sub      *guestpost.Submission
	Guest    *guestpost.Guest
	Versions []guestpost.Version
	Latest   guestpost.Version
	Shown    guestpost.Version // the version on screen (?v=N), else Latest
	Original guestpost.Version // the guest's latest
	Diff     []post.DiffLine   // Original → Latest, when an editor edited
	Messages []guestpost.Message
	Accept   acceptForm
	Errors   map[string]string
	Error    string
	Now      string // for the date input
	Policies []post.CommentPolicy
}

// acceptForm is the accept form as typed.
type acceptForm struct {
	When, At, Slug, Tags, Categories, CommentPolicy, Intro, Message string
}

func (s *Server) guestReview(w http.ResponseWriter, r *http.Request) error {
	return s.renderGuestReview(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderGuestReview(w http.ResponseWriter, r *http.Request, status int, af *acceptForm, actErr error) error {
	if err := can(r, account.ReviewGuestPosts, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	d, err := s.guests.Detail(ctx, id)
	if err != nil {
		return err
	}
	sub := d.Sub
	pg := guestReviewPage{Page: s.page(r, "Guest post: "+sub.Title), Sub: sub, Versions: d.Versions, Messages: d.Messages, Now: s.now().UTC().Format(formTime),
		Policies: []post.CommentPolicy{post.CommentsOpen, post.CommentsMembers, post.CommentsClosed}}
	pg.NoIndex = true
	if pg.Guest, err = s.guests.Guest(ctx, sub.GuestID); err != nil {
		return err
	}
	if n := len(pg.Versions); n > 0 {
		pg.Latest, pg.Shown = pg.Versions[n-1], pg.Versions[n-1]
		pg.Original = guestpost.LatestByGuest(pg.Versions)
		if !pg.Latest.ByGuest() {
			pg.Diff = post.Diff(pg.Original.Title+"\n\n"+pg.Original.BodySource, pg.Latest.Title+"\n\n"+pg.Latest.BodySource)
		}
		if v, _ := strconv.Atoi(r.URL.Query().Get("v")); v >= 1 && v <= n {
			pg.Shown = pg.Versions[v-1]
		}
	}
	// The usual guest-post note (PRODUCT.md), for the editor to change.
	pg.Accept = acceptForm{When: "now", CommentPolicy: string(post.CommentsOpen),
		Intro: "The following is a guest post by " + sub.Name + ". To submit your own, [write for us](/write)."}
	if af != nil {
		pg.Accept = *af
	}
	if e, ok := apperr.As(actErr); ok {
		pg.Error, pg.Errors = e.Message, e.Fields
	}
	return s.render(w, r, status, "guest_review", pg)
}

// guestAct applies one review action from the review page's forms.
func (s *Server) guestAct(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ReviewGuestPosts, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx, u, v := r.Context(), userFrom(r.Context()), r.PostForm.Get
	var af *acceptForm
	var flash string
	switch chi.URLParam(r, "action") {
	case "review":
		err, flash = s.guests.Review(ctx, u, id), "Marked as in review; the guest was told."
	case "edit":
		err = s.guests.Edit(ctx, u, id, guestpost.Draft{Title: v("title"), Body: v("body"), Format: post.Format(v("format"))})
		flash = "Saved as a new version; the guest's text is kept."
	case "request_changes":
		err, flash = s.guests.RequestChanges(ctx, u, id, v("message")), "Changes requested; the guest was e-mailed."
	case "decline":
		err, flash = s.guests.Decline(ctx, u, id, v("message")), "Declined; the guest was e-mailed."
	case "accept":
		af = &acceptForm{When: v("when"), At: strings.TrimSpace(v("published_at")), Slug: v("slug"), Tags: v("tags"),
			Categories: v("categories"), CommentPolicy: v("comment_policy"), Intro: v("intro"), Message: v("message")}
		var p *post.Post
		if p, err = s.accept(r, id, *af); err == nil {
			flash = "Published: " + p.Title + "."
			if p.Status == post.Scheduled {
				flash = "Scheduled for " + p.PublishedAt.UTC().Format("2 January 2006, 15:04:05 MST") + "."
			}
		}
	case "intro":
		err, flash = s.guests.SetIntro(ctx, u, id, v("intro")), "The note on top of the post is saved."
	case "spam":
		err, flash = s.guests.MarkSpam(ctx, u, id), "Marked as spam: declined, and nothing was sent."
	case "trust", "distrust":
		trusted := chi.URLParam(r, "action") == "trust"
		err = s.guests.SetTrusted(ctx, u, id, trusted)
		flash = map[bool]string{true: "The guest's website is now followed.", false: "The guest's website links are nofollow again."}[trusted]
	default:
		return apperr.ErrNotFound
	}
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		return s.renderGuestReview(w, r, apperr.HTTPStatus(e.Code), af, err)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, flash)
	redirect(w, r, "/admin/guest-posts/"+strconv.FormatInt(id, 10))
	return nil
}

// accept reads the accept form: publish now, or at a date (UTC, to the
// second, so a schedule can be a few seconds ahead).
func (s *Server) accept(r *http.Request, id int64, f acceptForm) (*post.Post, error) {
	a := guestposting.Acceptance{Slug: f.Slug, Tags: f.Tags, Categories: f.Categories,
		CommentPolicy: post.CommentPolicy(f.CommentPolicy), Intro: f.Intro, Message: f.Message}
	if f.When == "schedule" {
		at, err := parseFormTime(f.At)
		if err != nil {
			return nil, apperr.FieldErrors("Please correct the marked fields.", map[string]string{"published_at": "Use a date like 2026-11-23T09:30 (UTC)."})
		}
		a.At = at
	}
	return s.guests.Accept(r.Context(), userFrom(r.Context()), id, a)
}

func parseFormTime(v string) (time.Time, error) {
	t, err := time.ParseInLocation(formTime+":05", v, time.UTC)
	if err != nil {
		t, err = time.ParseInLocation(formTime, v, time.UTC)
	}
	return t, err
}

// guestSettings turns the public "Write for us" page on or off.
func (s *Server) guestSettings(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageSettings, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	ctx := r.Context()
	site := s.siteInfo(ctx)
	site.GuestPostsOff = r.PostForm.Get("enabled") == ""
	if err := s.guests.SetOff(ctx, userFrom(ctx), site, site.GuestPostsOff); err != nil {
		return err
	}
	s.forgetSite() // this node sees the change at once
	s.setFlash(w, r, map[bool]string{true: "The Write for us page is off.", false: "The Write for us page is on."}[site.GuestPostsOff])
	redirect(w, r, "/admin/guest-posts")
	return nil
}
