package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
	"quire/internal/store"
)

// queueRoutes need a token whose user may moderate.
func (a *API) queueRoutes(r chi.Router) {
	r.Get("/moderation/queue", a.h(a.queue))
	r.Post("/moderation/queue/{id}/{action}", a.h(a.queueAction))
}

// QueueItemJSON is a queue item with everything a moderator sees.
type QueueItemJSON struct {
	ID          int64        `json:"id"`
	Kind        string       `json:"kind"`
	Status      string       `json:"status"`
	Reasons     []ReasonJSON `json:"reasons"`
	PostID      int64        `json:"post_id"`
	PostTitle   string       `json:"post_title"`
	ParentID    *int64       `json:"parent_id"`
	CreatedAt   time.Time    `json:"created_at"`
	AuthorName  string       `json:"author_name"`
	AuthorEmail string       `json:"author_email"`
	AuthorURL   string       `json:"author_url"`
	IP          string       `json:"ip"`
	UserAgent   string       `json:"user_agent"`
	BodyHTML    string       `json:"body_html"`
	SourceURL   string       `json:"source_url,omitempty"`
	Title       string       `json:"title,omitempty"`
}

func (a *API) queue(w http.ResponseWriter, r *http.Request) error {
	if !account.Can(User(r.Context()), account.Moderate, account.Site) {
		return apperr.New(apperr.Forbidden, "This token's user may not moderate.")
	}
	q := r.URL.Query()
	f := store.QueueFilter{Status: comment.Status(q.Get("status")), Kind: comment.Kind(q.Get("kind"))}
	if f.Status == "" {
		f.Status = comment.StatusHeld
	}
	if f.Status == comment.StatusApproved || !f.Status.Valid() {
		return apperr.New(apperr.Invalid, "status must be held, spam or trash.")
	}
	if f.Kind != "" && !moderation.Kind(f.Kind).Valid() {
		return apperr.New(apperr.Invalid, "kind must be comment, pingback, webmention or guest_post.")
	}
	var err error
	if f.Limit, err = limitParam(r, 50, 200); err != nil {
		return err
	}
	if c := q.Get("cursor"); c != "" {
		if f.Before, err = strconv.ParseInt(c, 10, 64); err != nil || f.Before <= 0 {
			return apperr.New(apperr.Invalid, "The cursor is not one this API gave out.")
		}
	}
	if p := q.Get("post_id"); p != "" {
		if f.PostID, err = strconv.ParseInt(p, 10, 64); err != nil {
			return apperr.New(apperr.Invalid, "post_id must be a number.")
		}
	}
	items := []QueueItemJSON{}
	var next *string
	// Guest posts are rows of their own table: kind=guest_post lists them
	// (guestposts.go); without a kind the queue is comments and linkbacks.
	if f.Kind == comment.Kind(moderation.KindGuestPost) {
		if items, next, err = a.queueGuests(r, f); err != nil {
			return err
		}
	} else {
		rows, n, err := store.Queue(r.Context(), a.store.Pool, f)
		if err != nil {
			return err
		}
		for _, it := range rows {
			j := QueueItemJSON{ID: it.ID, Kind: string(it.Kind), Status: string(it.Status), Reasons: reasonsJSON(it.Reasons),
				PostID: it.PostID, PostTitle: it.PostTitle, CreatedAt: it.CreatedAt.UTC(), AuthorName: it.DisplayName(),
				AuthorEmail: it.AuthorEmail, AuthorURL: it.AuthorURL, IP: it.IP, UserAgent: it.UserAgent, BodyHTML: it.BodyHTML,
				SourceURL: it.SourceURL, Title: it.Title}
			if it.ParentID != 0 {
				pid := it.ParentID
				j.ParentID = &pid
			}
			items = append(items, j)
		}
		if n != 0 {
			s := strconv.FormatInt(n, 10)
			next = &s
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	return nil
}

func (a *API) queueAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "There is no such queue item.")
	}
	action := chi.URLParam(r, "action")
	if !commenting.ValidAction(action) {
		return apperr.New(apperr.NotFound, "Unknown action %q: use approve, spam, trash, hold or delete.", action)
	}
	u := User(r.Context())
	if !account.Can(u, account.Moderate, account.Site) {
		return apperr.New(apperr.Forbidden, "This token's user may not moderate.")
	}
	c, err := store.CommentByID(r.Context(), a.store.Pool, id)
	if err != nil {
		return err
	}
	if _, err := a.comments.Moderate(r.Context(), u, []int64{id}, action); err != nil {
		return err
	}
	out := map[string]any{"id": id, "status": c.Status}
	if action == commenting.ActionDelete {
		out["status"], out["deleted"] = "deleted", true
	} else {
		st, _ := store.CommentByID(r.Context(), a.store.Pool, id)
		if st != nil {
			out["status"] = st.Status
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
