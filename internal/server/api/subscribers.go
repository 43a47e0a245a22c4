package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/newsletter"
)

// SubscriberJSON is a subscriber as an admin sees it.
type SubscriberJSON struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"` // empty once unsubscribed or removed
	Status      string     `json:"status"`
	Mode        string     `json:"mode"`
	Source      string     `json:"source"`
	Failures    int        `json:"failures"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
}

type newSubscriberJSON struct {
	Email     string `json:"email"`
	Mode      string `json:"mode"`
	Confirmed bool   `json:"confirmed"` // admins only: subscribe without a confirmation mail
}

func (a *API) manager(r *http.Request) error {
	if !account.Can(User(r.Context()), account.ManageUsers, account.Site) {
		if User(r.Context()) == nil {
			return apperr.New(apperr.Unauthorized, "This route needs an API token: send Authorization: Bearer TOKEN.")
		}
		return apperr.New(apperr.Forbidden, "This token's user may not manage subscribers.")
	}
	return nil
}

func (a *API) subscriberCreate(w http.ResponseWriter, r *http.Request) error {
	var in newSubscriberJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Confirmed {
		if err := a.manager(r); err != nil {
			return err
		}
		email, err := newsletter.Normalize(in.Email)
		if err != nil {
			return err
		}
		mode, ok := newsletter.ParseMode(in.Mode)
		if !ok {
			return apperr.New(apperr.Invalid, "mode must be each or weekly.")
		}
		res, err := a.newsletter.Import(r.Context(), []string{email}, mode, true)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"added": res.Added == 1, "withdrawn": res.Withdrawn == 1})
		return nil
	}
	err := a.newsletter.Subscribe(r.Context(), newsletter.Request{Email: in.Email, Mode: in.Mode, IP: a.clientIP(r.Context())})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "If this address can receive mail from us, a confirmation link is on its way."})
	return nil
}

func (a *API) subscriberList(w http.ResponseWriter, r *http.Request) error {
	if err := a.manager(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f := newsletter.Filter{Query: q.Get("q"), Status: q.Get("status")}
	if f.Status != "" && !newsletter.Status(f.Status).Valid() {
		return apperr.New(apperr.Invalid, "status must be pending, confirmed, unsubscribed or failing.")
	}
	var err error
	if f.Limit, err = limitParam(r, 100, 1000); err != nil {
		return err
	}
	if c := q.Get("cursor"); c != "" {
		if f.AfterID, err = strconv.ParseInt(c, 10, 64); err != nil || f.AfterID <= 0 {
			return apperr.New(apperr.Invalid, "The cursor is not one this API gave out.")
		}
	}
	want := f.Limit
	f.Limit++
	list, err := a.newsletter.Subscribers(r.Context(), f)
	if err != nil {
		return err
	}
	counts, err := a.newsletter.Counts(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Subscribers []SubscriberJSON `json:"subscribers"`
		Counts      map[string]int   `json:"counts"`
		Next        *string          `json:"next_cursor"`
	}{Subscribers: []SubscriberJSON{}, Counts: counts}
	if len(list) > want {
		list = list[:want]
		c := strconv.FormatInt(list[len(list)-1].ID, 10)
		out.Next = &c
	}
	for _, s := range list {
		j := SubscriberJSON{ID: s.ID, Email: s.Email, Status: s.Status, Mode: s.Mode, Source: s.Source, Failures: s.Failures, CreatedAt: s.CreatedAt.UTC()}
		if !s.ConfirmedAt.IsZero() {
			t := s.ConfirmedAt.UTC()
			j.ConfirmedAt = &t
		}
		out.Subscribers = append(out.Subscribers, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// subscriberIssues is the delivery report: recent mailings with their
// counts, or one post's with ?post_id=.
func (a *API) subscriberIssues(w http.ResponseWriter, r *http.Request) error {
	if err := a.manager(r); err != nil {
		return err
	}
	var postID int64
	if p := r.URL.Query().Get("post_id"); p != "" {
		var err error
		if postID, err = strconv.ParseInt(p, 10, 64); err != nil {
			return apperr.New(apperr.Invalid, "post_id must be a number.")
		}
	}
	issues, err := a.newsletter.Issues(r.Context(), postID, 50)
	if err != nil {
		return err
	}
	type issueJSON struct {
		ID          int64   `json:"id"`
		Kind        string  `json:"kind"`
		PostID      *int64  `json:"post_id"`
		Title       string  `json:"title"`
		Week        *string `json:"week"`
		State       string  `json:"state"`
		Sent        int     `json:"sent"`
		Failed      int     `json:"failed"`
		Pending     int     `json:"pending"`
		Interrupted int     `json:"interrupted"`
	}
	out := []issueJSON{}
	for _, is := range issues {
		j := issueJSON{ID: is.ID, Kind: is.Kind, Title: is.Title, State: is.State, Sent: is.Sent, Failed: is.Failed,
			Pending: is.Pending + is.Sending, Interrupted: is.Interr}
		if is.Kind == "post" {
			id := is.PostID
			j.PostID = &id
		} else {
			wk := is.Week.UTC().Format("2006-01-02")
			j.Week = &wk
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"issues": out})
	return nil
}

func (a *API) subscriberDelete(w http.ResponseWriter, r *http.Request) error {
	if err := a.manager(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "There is no such subscriber.")
	}
	if _, err := a.newsletter.Subscriber(r.Context(), id); err != nil {
		return err
	}
	if err := a.newsletter.Remove(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
