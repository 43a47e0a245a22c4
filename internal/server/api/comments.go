package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
)

// CommentJSON is an approved comment or linkback as the public sees it.
type CommentJSON struct {
	ID         int64     `json:"id"`
	ParentID   *int64    `json:"parent_id"`
	Depth      int       `json:"depth"`
	Kind       string    `json:"kind"`
	AuthorName string    `json:"author_name"`
	AuthorURL  string    `json:"author_url"`
	BodyHTML   string    `json:"body_html"`
	SourceURL  string    `json:"source_url,omitempty"`
	Title      string    `json:"title,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	URL        string    `json:"url"`
}

func (a *API) commentJSON(c *comment.Comment) CommentJSON {
	j := CommentJSON{ID: c.ID, Depth: c.Depth, Kind: string(c.Kind), AuthorName: c.DisplayName(), AuthorURL: c.AuthorURL,
		BodyHTML: c.BodyHTML, SourceURL: c.SourceURL, Title: c.Title, CreatedAt: c.CreatedAt.UTC(),
		URL: a.baseURL.String() + "/comments/" + strconv.FormatInt(c.ID, 10)}
	if c.ParentID != 0 {
		j.ParentID = &c.ParentID
	}
	return j
}

// ReasonJSON is one rule that fired.
type ReasonJSON struct {
	Code    string `json:"code"`
	Action  string `json:"action"`
	Message string `json:"message"`
}

func reasonsJSON(rs []moderation.Reason) []ReasonJSON {
	out := make([]ReasonJSON, len(rs))
	for i, r := range rs {
		out[i] = ReasonJSON{string(r.Code), string(r.Action), r.Message}
	}
	return out
}

func postIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "There is no such post.")
	}
	return id, nil
}

// listComments lists a public post's approved thread in display order,
// keyset-paginated by materialised path.
func (a *API) listComments(w http.ResponseWriter, r *http.Request) error {
	id, err := postIDParam(r)
	if err != nil {
		return err
	}
	if _, err := a.comments.PublicPost(r.Context(), id); err != nil {
		return err
	}
	limit, err := limitParam(r, 100, 500)
	if err != nil {
		return err
	}
	after, err := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("cursor"))
	if err != nil {
		return apperr.New(apperr.Invalid, "The cursor is not one this API gave out.")
	}
	cs, err := a.comments.ThreadAfter(r.Context(), id, string(after), limit+1)
	if err != nil {
		return err
	}
	var next *string
	if len(cs) > limit {
		cs = cs[:limit]
		n := base64.RawURLEncoding.EncodeToString([]byte(cs[limit-1].Path))
		next = &n
	}
	items := make([]CommentJSON, len(cs))
	for i := range cs {
		items[i] = a.commentJSON(&cs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	return nil
}

// limitParam reads ?limit=, def when absent, at most max.
func limitParam(r *http.Request, def, max int) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, apperr.New(apperr.Invalid, "limit must be a number from 1 to %d.", max)
	}
	return n, nil
}

type newCommentJSON struct {
	ParentID    int64  `json:"parent_id"`
	AuthorName  string `json:"author_name"`
	AuthorEmail string `json:"author_email"`
	AuthorURL   string `json:"author_url"`
	Body        string `json:"body"`
	Notify      bool   `json:"notify"`
}

// createComment runs the same workflow as the form: policy, validation,
// moderation rules. Answers 201 with the id, status and reasons.
func (a *API) createComment(w http.ResponseWriter, r *http.Request) error {
	id, err := postIDParam(r)
	if err != nil {
		return err
	}
	var in newCommentJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	sub := commenting.Submission{PostID: id, User: User(r.Context()), UserAgent: r.UserAgent(), Notify: in.Notify,
		Draft: comment.Draft{AuthorName: in.AuthorName, AuthorEmail: in.AuthorEmail, AuthorURL: in.AuthorURL, Body: in.Body, ParentID: in.ParentID}}
	if a.clientIP != nil {
		sub.IP = a.clientIP(r.Context())
	}
	res, err := a.comments.Submit(r.Context(), sub)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": res.Comment.ID, "status": res.Comment.Status, "reasons": reasonsJSON(res.Verdict.Reasons),
		"url": a.baseURL.String() + "/comments/" + strconv.FormatInt(res.Comment.ID, 10),
	})
	return nil
}
