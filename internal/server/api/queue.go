package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderating"
	"quire/internal/moderation"
)

// QueueItemJSON is a queue item with everything a moderator of its kind
// sees. ID is the item's typed key (c12, p12, w12, g12); ItemID its number
// within its kind.
type QueueItemJSON struct {
	ID          string       `json:"id"`
	ItemID      int64        `json:"item_id"`
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
	GuestStatus string       `json:"guest_status,omitempty"`
}

// moderating is the queue over the API's comment and guest-post
// workflows (a few pointers: nothing is loaded).
func (a *API) moderating() *moderating.Service {
	return moderating.New(a.comments, a.guests)
}

func (a *API) queue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := moderating.Filter{Status: comment.Status(q.Get("status")), Cursor: q.Get("cursor")}
	if f.Status == "" {
		f.Status = comment.StatusHeld
	}
	if !f.Status.Valid() {
		return apperr.New(apperr.Invalid, "status must be held, approved, spam or trash.")
	}
	var err error
	if f.Limit, err = limitParam(r, 50, 200); err != nil {
		return err
	}
	if p := q.Get("post_id"); p != "" {
		if f.PostID, err = strconv.ParseInt(p, 10, 64); err != nil || f.PostID <= 0 {
			return apperr.New(apperr.Invalid, "post_id must be a post's number.")
		}
	}
	f.Search = q.Get("q") // moderating.List trims it and refuses more than MaxSearch characters
	rows, next, err := a.moderating().List(r.Context(), User(r.Context()), f, moderation.Kind(q.Get("kind")))
	if err != nil {
		return err
	}
	items := make([]QueueItemJSON, 0, len(rows))
	for _, it := range rows {
		j := QueueItemJSON{ID: it.Key.String(), ItemID: it.ID, Kind: string(it.Key.Kind), Status: string(it.Status),
			Reasons: reasonsJSON(it.Reasons), PostID: it.PostID, PostTitle: it.PostTitle, CreatedAt: it.CreatedAt.UTC(),
			AuthorName: it.DisplayName(), AuthorEmail: it.AuthorEmail, AuthorURL: it.AuthorURL, IP: it.IP,
			UserAgent: it.UserAgent, BodyHTML: it.BodyHTML, SourceURL: it.SourceURL, Title: it.Title,
			GuestStatus: string(it.GuestStatus)}
		if it.ParentID != 0 {
			pid := it.ParentID
			j.ParentID = &pid
		}
		items = append(items, j)
	}
	var cur *string
	if next != "" {
		cur = &next
	}
	counts, err := a.moderating().Counts(r.Context(), User(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": cur, "counts": map[string]int{
		"held": counts[comment.StatusHeld], "spam": counts[comment.StatusSpam], "trash": counts[comment.StatusTrash]}})
	return nil
}

// queueAction applies one action to one item named by its typed key.
func (a *API) queueAction(w http.ResponseWriter, r *http.Request) error {
	k, err := moderation.ParseKey(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	action := chi.URLParam(r, "action")
	switch action {
	case "block":
		return a.queueBlock(w, r, k)
	case "pin", "unpin":
		return a.queuePin(w, r, k, action == "pin")
	}
	if !commenting.ValidAction(action) {
		return apperr.New(apperr.NotFound, "Unknown action %q: use approve, spam, trash, hold, delete, block, pin or unpin.", action)
	}
	u := User(r.Context())
	if !moderating.May(u, k.Kind) {
		return apperr.New(apperr.Forbidden, "This token's user may not moderate %ss.", strings.ToLower(k.Kind.Label()))
	}
	if err := a.moderating().Exists(r.Context(), k); err != nil {
		return err
	}
	done, _, err := a.moderating().Act(r.Context(), u, []moderation.Key{k}, action) // one key: nothing is skipped, it fails
	if err != nil {
		return err
	}
	out := map[string]any{"id": k.String(), "kind": string(k.Kind), "changed": len(done) == 1}
	if len(done) == 1 {
		out["status"] = done[0].Status
		if done[0].PostID != 0 {
			out["post_id"] = done[0].PostID
		}
	} else {
		out["status"] = map[string]string{commenting.ActionApprove: "approved", commenting.ActionSpam: "spam",
			commenting.ActionTrash: "trash", commenting.ActionHold: "held"}[action] // already there: nothing changed
	}
	if action == commenting.ActionDelete {
		out["status"], out["deleted"] = "deleted", true
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// queuePin pins the comment above its post's thread, or unpins it.
func (a *API) queuePin(w http.ResponseWriter, r *http.Request, k moderation.Key, pin bool) error {
	if k.Kind != moderation.KindComment {
		return apperr.New(apperr.Invalid, "Only comments are pinned.")
	}
	c, err := a.comments.Pin(r.Context(), User(r.Context()), k.ID, pin)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": k.String(), "kind": string(k.Kind), "post_id": c.PostID, "pinned": pin})
	return nil
}

// queueBlock puts the item's e-mail address, IP or site ({"what": "email"
// | "ip" | "site"}) on the blocklist as spam and marks the item as spam.
func (a *API) queueBlock(w http.ResponseWriter, r *http.Request, k moderation.Key) error {
	var in struct {
		What string `json:"what"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := a.moderating().Block(r.Context(), User(r.Context()), k, in.What)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": k.String(), "kind": string(k.Kind), "status": "spam", "changed": b.Changed,
		"blocked": b.Line, "added": b.Added})
	return nil
}

// queueEmpty empties the spam (older than the discussion setting's days,
// as the queue's button does) or the whole trash the token's user can
// see, and says how many items went.
func (a *API) queueEmpty(what string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		empty := a.moderating().EmptySpam
		if what == commenting.ActionTrash {
			empty = a.moderating().EmptyTrash
		}
		n, err := empty(r.Context(), User(r.Context()))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"deleted": n})
		return nil
	}
}

// correctionInput is the body of PATCH /moderation/queue/{id}: each field
// optional, the comment's own kept where it is left out.
type correctionInput struct {
	AuthorName *string `json:"author_name"`
	AuthorURL  *string `json:"author_url"`
	Body       *string `json:"body"`
}

// queueCorrect saves a moderator's correction of a comment's name,
// website and text (Markdown), whatever its status; audited.
func (a *API) queueCorrect(w http.ResponseWriter, r *http.Request) error {
	k, err := moderation.ParseKey(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	switch k.Kind {
	case moderation.KindComment:
	case moderation.KindGuestPost:
		return apperr.New(apperr.Invalid, "A guest post is edited with POST /api/v1/guest-posts/%d/edit (title, body, format).", k.ID)
	default:
		return apperr.New(apperr.Invalid, "Pingbacks and webmentions quote another site: they are not edited.")
	}
	ctx := r.Context()
	if !moderating.May(User(ctx), k.Kind) {
		return apperr.New(apperr.Forbidden, "This token's user may not moderate comments.")
	}
	var in correctionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := a.comments.Comment(ctx, k.ID)
	if err != nil {
		return err
	}
	fix := commenting.Correction{Name: c.AuthorName, Website: c.AuthorURL, Body: c.BodySource}
	for _, f := range []struct {
		in  *string
		out *string
	}{{in.AuthorName, &fix.Name}, {in.AuthorURL, &fix.Website}, {in.Body, &fix.Body}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	if err := a.comments.Correct(ctx, User(ctx), k.ID, fix); err != nil {
		return err
	}
	if c, err = a.comments.Comment(ctx, k.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": k.String(), "kind": string(k.Kind), "status": string(c.Status),
		"author_name": c.AuthorName, "author_url": c.AuthorURL, "body": c.BodySource, "body_html": c.BodyHTML})
	return nil
}
