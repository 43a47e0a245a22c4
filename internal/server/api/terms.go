package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// TermJSON is a tag or category as the API shows it.
type TermJSON struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	URL  string `json:"url"`
}

// TermUseJSON is a term in a list, with the posts and pages carrying it
// (drafts included, the trash not).
type TermUseJSON struct {
	TermJSON
	Posts int `json:"posts"`
}

func (a *API) termView(t post.Term) TermJSON {
	return TermJSON{ID: t.ID, Kind: string(t.Kind), Name: t.Name, Slug: t.Slug, URL: a.abs(t.Path())}
}

// termCursor is the opaque next_cursor of a list of terms: the last
// term's id and name, the list's keyset (PostgreSQL lower-cases the name
// as it does the list's, whatever its locale).
func termCursor(t post.Term) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.ID, 10) + "." + t.Name))
}

func parseTermCursor(s string) (publishing.TermsAfter, error) {
	var after publishing.TermsAfter
	if s == "" {
		return after, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	id, name, ok := strings.Cut(string(b), ".")
	if err == nil && ok {
		after.ID, err = strconv.ParseInt(id, 10, 64)
	}
	if err != nil || !ok || after.ID <= 0 {
		return after, apperr.New(apperr.Invalid, "That cursor is not valid.")
	}
	after.Name = name
	return after, nil
}

// listTerms lists kind's terms by name, for editors and admins.
func (a *API) listTerms(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		page, err := parseTermCursor(q.Get("cursor"))
		if err != nil {
			return err
		}
		if page.Limit, err = limitParam(r, 100, 500); err != nil {
			return err
		}
		terms, err := a.publishing.TermsInUse(r.Context(), User(r.Context()), kind, page)
		if err != nil {
			return err
		}
		items := make([]TermUseJSON, len(terms))
		for i, t := range terms {
			items[i] = TermUseJSON{TermJSON: a.termView(t.Term), Posts: t.Posts}
		}
		var next *string
		if len(terms) == page.Limit {
			c := termCursor(terms[len(terms)-1].Term)
			next = &c
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
		return nil
	}
}

// loadTerm returns kind's term named by the URL's slug.
func (a *API) loadTerm(r *http.Request, kind post.TermKind) (post.Term, error) {
	return a.publishing.Term(r.Context(), kind, chi.URLParam(r, "slug"))
}

// renameTerm gives a term a new name, address or both: a field left out
// keeps its value; an empty slug is made from the name.
func (a *API) renameTerm(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Name *string `json:"name"`
			Slug *string `json:"slug"`
		}
		if err := decode(r, &in); err != nil {
			return err
		}
		t, err := a.loadTerm(r, kind)
		if err != nil {
			return err
		}
		name, slug := t.Name, t.Slug
		if in.Name != nil {
			name = *in.Name
		}
		if in.Slug != nil {
			slug = *in.Slug
		}
		if t, err = a.publishing.RenameTerm(r.Context(), User(r.Context()), t.ID, name, slug); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, a.termView(t))
		return nil
	}
}

// mergeTerm moves a term's posts onto another of its kind and deletes it.
func (a *API) mergeTerm(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Into string `json:"into"`
		}
		if err := decode(r, &in); err != nil {
			return err
		}
		t, err := a.loadTerm(r, kind)
		if err != nil {
			return err
		}
		into, n, err := a.publishing.MergeTerm(r.Context(), User(r.Context()), t.ID, kind, in.Into)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"into": a.termView(into), "posts_gained": n})
		return nil
	}
}

// deleteTerm deletes a term; its posts keep their other terms.
func (a *API) deleteTerm(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, err := a.loadTerm(r, kind)
		if err != nil {
			return err
		}
		if t, err = a.publishing.DeleteTerm(r.Context(), User(r.Context()), t.ID); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "previous": a.termView(t)})
		return nil
	}
}
