package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// listPosts lists posts. Editors see every post; other writers their own,
// and only the public posts of another author they name.
func (a *API) listPosts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := User(ctx)
	q := r.URL.Query()
	cur, err := post.ParseCursor(q.Get("cursor"))
	if err != nil {
		return err
	}
	limit, err := limitParam(r, 20, 100)
	if err != nil {
		return err
	}
	f := publishing.Filter{Cursor: cur, Limit: limit, Sources: true, Query: q.Get("q")}
	switch k := post.Kind(q.Get("kind")); k {
	case "", post.KindPost:
	case post.KindPage:
		// Pages belong to the site: those who manage them list them all.
		if !account.Can(u, account.ManagePages, account.Site) {
			return apperr.New(apperr.Forbidden, "You may not manage pages.")
		}
		f.Kind = k
	default:
		return apperr.New(apperr.Invalid, "kind must be post or page.")
	}
	if s := q.Get("status"); s != "" {
		st := post.Status(s)
		if !st.Valid() {
			return apperr.New(apperr.Invalid, "Unknown status %q.", s)
		}
		f.Statuses = []post.Status{st}
	}
	for _, tf := range []struct {
		param string
		kind  post.TermKind
	}{{"tag", post.Tag}, {"category", post.Category}} {
		if slug := q.Get(tf.param); slug != "" {
			t, err := a.publishing.Term(ctx, tf.kind, slug)
			if errors.Is(err, apperr.ErrNotFound) {
				writeJSON(w, http.StatusOK, map[string]any{"items": []PostJSON{}, "next_cursor": nil})
				return nil
			}
			if err != nil {
				return err
			}
			f.TermID = t.ID
		}
	}
	f.AuthorID = u.ID
	if name := q.Get("author"); name != "" {
		au, err := a.publishing.Author(ctx, name)
		if err != nil {
			return err
		}
		f.AuthorID = au.ID
	}
	editor := account.Can(u, account.ReadDraft, account.Site) || f.Kind == post.KindPage
	if editor && q.Get("author") == "" {
		f.AuthorID = 0
	}
	if !editor && f.AuthorID != u.ID {
		// Someone else's posts: only what readers see, in public order.
		f.Public, f.Statuses = true, nil
		if s := q.Get("status"); s != "" && s != string(post.Published) {
			return apperr.New(apperr.Forbidden, "You may only list another author's published posts.")
		}
	}
	pg, err := a.publishing.List(ctx, f)
	if err != nil {
		return err
	}
	items := make([]PostJSON, len(pg.Posts))
	for i, p := range pg.Posts {
		items[i] = a.postView(p)
	}
	var next *string
	if pg.Next != nil {
		s := pg.Next.String()
		next = &s
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	return nil
}

func (a *API) createPost(w http.ResponseWriter, r *http.Request) error {
	u := User(r.Context())
	var in postInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &post.Post{AuthorID: u.ID, Kind: post.KindPost}
	if pol, err := a.publishing.DefaultCommentPolicy(r.Context()); err == nil && (in.Kind == nil || *in.Kind == string(post.KindPost)) {
		p.CommentPolicy = pol // Settings: a post's default, unless the body names one (pages default to closed)
	}
	if err := in.apply(p, time.Now(), a.publishing.Prepare); err != nil {
		return err
	}
	if err := a.publishing.Create(r.Context(), u, p, publishing.Extras{Pinned: in.Pinned}); err != nil {
		return err
	}
	p.Author = post.Byline{Username: u.Username, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL}
	w.Header().Set("Location", a.abs("/api/v1/posts/"+strconv.FormatInt(p.ID, 10)))
	writeJSON(w, http.StatusCreated, a.postView(p))
	return nil
}

// loadPost returns the post named by the URL if u may read it; a post u
// may not read does not exist for u.
func (a *API) loadPost(r *http.Request) (*post.Post, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, apperr.ErrNotFound
	}
	return a.publishing.Readable(r.Context(), User(r.Context()), id)
}

func (a *API) getPost(w http.ResponseWriter, r *http.Request) error {
	p, err := a.loadPost(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.postView(p))
	return nil
}

func (a *API) patchPost(w http.ResponseWriter, r *http.Request) error {
	u := User(r.Context())
	p, err := a.loadPost(r)
	if err != nil {
		return err
	}
	if !post.CanEdit(u, p) {
		return apperr.New(apperr.Forbidden, "You may not edit this post.")
	}
	var in postInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.apply(p, time.Now(), a.publishing.Prepare); err != nil {
		return err
	}
	if err := a.publishing.Update(r.Context(), u, p, publishing.Extras{Pinned: in.Pinned}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.postView(p))
	return nil
}

// deletePost moves a post to the trash; with ?forever=true it deletes a
// post already in the trash for good, with its comments and revisions
// (a post out of the trash is refused: the trash is the way to deletion,
// as in the editor).
func (a *API) deletePost(w http.ResponseWriter, r *http.Request) error {
	forever := false
	switch v := r.URL.Query().Get("forever"); v {
	case "", "false":
	case "true":
		forever = true
	default:
		return apperr.New(apperr.Invalid, "forever must be true or false.")
	}
	p, err := a.loadPost(r)
	if err != nil {
		return err
	}
	if forever {
		if p, err = a.publishing.Delete(r.Context(), User(r.Context()), p.ID); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "previous": a.postView(p)})
		return nil
	}
	if p, err = a.publishing.Trash(r.Context(), User(r.Context()), p.ID); err != nil { // the editor trashes here too
		return err
	}
	writeJSON(w, http.StatusOK, a.postView(p))
	return nil
}

// restorePost takes a post out of the trash as a draft.
func (a *API) restorePost(w http.ResponseWriter, r *http.Request) error {
	p, err := a.loadPost(r)
	if err != nil {
		return err
	}
	if p, err = a.publishing.Restore(r.Context(), User(r.Context()), p.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.postView(p))
	return nil
}
