package api

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

// GuestPostIn is a new submission.
type GuestPostIn struct {
	Title   string `json:"title"`
	Body    string `json:"body"`
	Format  string `json:"format"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Bio     string `json:"bio"`
	Website string `json:"website"`
	Note    string `json:"note"`
}

func (a *API) guestCreate(w http.ResponseWriter, r *http.Request) error {
	var in GuestPostIn
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := a.guests.Submit(r.Context(), guestposting.Input{
		Draft: guestpost.Draft{Title: in.Title, Body: in.Body, Format: post.Format(in.Format), Name: in.Name,
			Email: in.Email, Bio: in.Bio, Website: in.Website, Note: in.Note},
		IP: a.clientIP(r.Context()), UserAgent: r.UserAgent(),
	})
	if e, ok := apperr.As(err); ok && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	if err != nil {
		return err
	}
	// Spam is answered like anything else, so a spammer learns nothing.
	writeJSON(w, http.StatusAccepted, map[string]any{"id": res.Submission.ID, "status": guestpost.Received, "status_url": res.StatusURL})
	return nil
}

// GuestPostJSON is a submission as editors see it.
type GuestPostJSON struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	Status    string         `json:"status"`
	Spam      bool           `json:"spam"`
	Reasons   []ReasonJSON   `json:"reasons"`
	Title     string         `json:"title"`
	Name      string         `json:"name"`
	Email     string         `json:"email"`
	Website   string         `json:"website"`
	BioHTML   string         `json:"bio_html"`
	Note      string         `json:"note"`
	PostID    *int64         `json:"post_id"`
	CreatedAt time.Time      `json:"created_at"`
	Versions  []VersionJSON  `json:"versions,omitempty"`
	Messages  []GuestMsgJSON `json:"messages,omitempty"`
}

// VersionJSON is one version of a submission's text.
type VersionJSON struct {
	Number     int       `json:"number"`
	ByGuest    bool      `json:"by_guest"`
	Title      string    `json:"title"`
	Format     string    `json:"format"`
	BodySource string    `json:"body"`
	BodyHTML   string    `json:"body_html"`
	CreatedAt  time.Time `json:"created_at"`
}

// GuestMsgJSON is one event of a submission's history.
type GuestMsgJSON struct {
	Event     string    `json:"event"`
	FromGuest bool      `json:"from_guest"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func guestJSON(s *guestpost.Submission, now time.Time) GuestPostJSON {
	j := GuestPostJSON{ID: s.ID, Kind: "guest_post", Status: string(s.Effective(now)), Spam: s.Spam, Reasons: reasonsJSON(s.Reasons),
		Title: s.Title, Name: s.Name, Email: s.Email, Website: s.Website, BioHTML: s.BioHTML, Note: s.Note, CreatedAt: s.CreatedAt.UTC()}
	if s.PostID != 0 {
		id := s.PostID
		j.PostID = &id
	}
	return j
}

func (a *API) reviewer(r *http.Request) (*account.User, error) {
	u := User(r.Context())
	if !account.Can(u, account.ReviewGuestPosts, account.Site) {
		return nil, apperr.New(apperr.Forbidden, "This token's user may not review guest posts.")
	}
	return u, nil
}

func (a *API) guestList(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.reviewer(r); err != nil {
		return err
	}
	f, ok := guestposting.FilterFor(r.URL.Query().Get("status"))
	if !ok {
		return apperr.New(apperr.Invalid, "status must be open, received, in_review, changes_requested, scheduled, published, declined, spam or all.")
	}
	var err error
	if f.Limit, err = limitParam(r, 50, 200); err != nil {
		return err
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		if f.Before, err = strconv.ParseInt(c, 10, 64); err != nil || f.Before <= 0 {
			return apperr.New(apperr.Invalid, "The cursor is not one this API gave out.")
		}
	}
	subs, next, err := a.guests.List(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]GuestPostJSON, len(subs))
	for i := range subs {
		items[i] = guestJSON(&subs[i], time.Now())
	}
	var cur *string
	if next != 0 {
		c := strconv.FormatInt(next, 10)
		cur = &c
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": cur})
	return nil
}

func (a *API) guestRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.reviewer(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "There is no such guest post.")
	}
	d, err := a.guests.Detail(r.Context(), id)
	if err != nil {
		return err
	}
	j := guestJSON(d.Sub, time.Now())
	for _, v := range d.Versions {
		j.Versions = append(j.Versions, VersionJSON{v.Number, v.ByGuest(), v.Title, string(v.Format), v.BodySource, v.BodyHTML, v.CreatedAt.UTC()})
	}
	for _, m := range d.Messages {
		j.Messages = append(j.Messages, GuestMsgJSON{string(m.Event), m.FromGuest(), m.Body, m.CreatedAt.UTC()})
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// GuestActionIn is the body of an action: message for request_changes
// and decline (and optionally accept); title, body, format for edit; the
// rest for accept (published_at absent or past: now).
type GuestActionIn struct {
	Message       string     `json:"message"`
	Title         string     `json:"title"`
	Body          string     `json:"body"`
	Format        string     `json:"format"`
	PublishedAt   *time.Time `json:"published_at"`
	Slug          string     `json:"slug"`
	Tags          []string   `json:"tags"`
	Categories    []string   `json:"categories"`
	CommentPolicy string     `json:"comment_policy"`
	Intro         string     `json:"intro"`
}

func (a *API) guestAction(w http.ResponseWriter, r *http.Request) error {
	u, err := a.reviewer(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "There is no such guest post.")
	}
	var in GuestActionIn
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	ctx := r.Context()
	switch chi.URLParam(r, "action") {
	case "review":
		err = a.guests.Review(ctx, u, id)
	case "edit":
		err = a.guests.Edit(ctx, u, id, guestpost.Draft{Title: in.Title, Body: in.Body, Format: post.Format(in.Format)})
	case "request_changes":
		err = a.guests.RequestChanges(ctx, u, id, in.Message)
	case "decline":
		err = a.guests.Decline(ctx, u, id, in.Message)
	case "accept":
		acc := guestposting.Acceptance{Slug: in.Slug, Tags: strings.Join(in.Tags, ","), Categories: strings.Join(in.Categories, ","),
			CommentPolicy: post.CommentPolicy(in.CommentPolicy), Intro: in.Intro, Message: in.Message}
		if in.PublishedAt != nil {
			acc.At = *in.PublishedAt
		}
		_, err = a.guests.Accept(ctx, u, id, acc)
	default:
		return apperr.New(apperr.NotFound, "Unknown action: use review, edit, request_changes, decline or accept.")
	}
	if err != nil {
		return err
	}
	return a.guestRead(w, r)
}
