package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// termsPage is the editors' list of tags or of categories.
type termsPage struct {
	Page
	Kind     post.TermKind
	Noun     string // "tag" or "category", in sentences
	Terms    []publishing.TermUse
	Error    string // why the last change was refused
	ErrorID  int64  // the term it was about
	ErrField string // the field it was about: name, slug or into
}

// termsAdminPath is the list of kind's terms: one address, so that the
// admin menu's "Tags and categories" stays marked on both.
func termsAdminPath(kind post.TermKind) string {
	if kind == post.Category {
		return "/admin/tags?kind=category"
	}
	return "/admin/tags"
}

// termsAdmin shows the list of the tags (or, with ?kind=category, the
// categories), each with Rename, Merge and Delete.
func (s *Server) termsAdmin(w http.ResponseWriter, r *http.Request) error {
	kind := post.Tag
	if r.URL.Query().Get("kind") == string(post.Category) {
		kind = post.Category
	}
	return s.renderTerms(w, r, kind, http.StatusOK, 0, nil)
}

// renderTerms shows the list; err, about term id, is shown in its row.
func (s *Server) renderTerms(w http.ResponseWriter, r *http.Request, kind post.TermKind, status int, id int64, err error) error {
	terms, lerr := s.publishing.TermsInUse(r.Context(), userFrom(r.Context()), kind, publishing.TermsAfter{})
	if lerr != nil {
		return lerr
	}
	title := map[post.TermKind]string{post.Tag: "Tags", post.Category: "Categories"}[kind]
	p := termsPage{Page: s.page(r, title), Kind: kind, Noun: string(kind), Terms: terms}
	p.NoIndex = true
	if err != nil {
		p.Error, p.ErrorID = apperr.MessageOf(err), id
		if e, ok := apperr.As(err); ok {
			for f := range e.Fields {
				p.ErrField = f
			}
		}
	}
	return s.render(w, r, status, "terms", p)
}

// termForm reads a term change's form: the term's id from the path and
// the list it came from (kind), for the way back.
func termForm(r *http.Request) (int64, post.TermKind, error) {
	if err := r.ParseForm(); err != nil {
		return 0, "", Classify(err)
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", apperr.ErrNotFound
	}
	kind := post.TermKind(r.PostForm.Get("kind"))
	if kind != post.Tag && kind != post.Category {
		return 0, "", apperr.New(apperr.Invalid, "kind must be tag or category.")
	}
	return id, kind, nil
}

// termChanged answers a term change: the list again with the refusal in
// the term's row (a refusal the form can mend), or the flash and the list.
func (s *Server) termChanged(w http.ResponseWriter, r *http.Request, kind post.TermKind, id int64, flash string, err error) error {
	if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
		return s.renderTerms(w, r, kind, apperr.HTTPStatus(c), id, err)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, flash)
	redirect(w, r, termsAdminPath(kind))
	return nil
}

func (s *Server) termRename(w http.ResponseWriter, r *http.Request) error {
	id, kind, err := termForm(r)
	if err != nil {
		return err
	}
	t, err := s.publishing.RenameTerm(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("name"), r.PostForm.Get("slug"))
	return s.termChanged(w, r, kind, id, fmt.Sprintf("Saved: “%s” at %s.", t.Name, t.Path()), err)
}

func (s *Server) termMerge(w http.ResponseWriter, r *http.Request) error {
	id, kind, err := termForm(r)
	if err != nil {
		return err
	}
	into, n, err := s.publishing.MergeTerm(r.Context(), userFrom(r.Context()), id, kind, r.PostForm.Get("into"))
	return s.termChanged(w, r, kind, id, fmt.Sprintf("Merged into “%s”: %s gained it.", into.Name, plural(int(n), "post")), err)
}

func (s *Server) termDelete(w http.ResponseWriter, r *http.Request) error {
	id, kind, err := termForm(r)
	if err != nil {
		return err
	}
	t, err := s.publishing.DeleteTerm(r.Context(), userFrom(r.Context()), id)
	return s.termChanged(w, r, kind, id, fmt.Sprintf("Deleted “%s”.", t.Name), err)
}
