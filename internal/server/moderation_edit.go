package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/commenting"
	"quire/internal/moderation"
)

// commentCorrectPage is a moderator's form to correct a comment (any
// status) from the queue.
type commentCorrectPage struct {
	Page
	Comment   *commenting.Comment
	PostTitle string
	PostPath  string // "" when the post is gone
	Key       string
	Form      commenting.Correction
	Errors    map[string]string
	Back      string // the queue page or post page to return to
}

// Return is where the form leads back to: the comment's card on the
// queue, or the comment on its post.
func (p commentCorrectPage) Return() string {
	if onQueue(p.Back) {
		return p.Back + "#item-" + p.Key
	}
	b, _, _ := strings.Cut(p.Back, "#")
	return b + "#comment-" + strconv.FormatInt(p.Comment.ID, 10)
}

// BackLabel names Return's page.
func (p commentCorrectPage) BackLabel() string {
	if onQueue(p.Back) {
		return "Back to the queue"
	}
	return "Back to the post"
}

// queueCorrectForm shows a comment's name, website and text to correct.
func (s *Server) queueCorrectForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.correctPage(r)
	if err != nil {
		return err
	}
	p.Form = commenting.Correction{Name: p.Comment.AuthorName, Website: p.Comment.AuthorURL, Body: p.Comment.BodySource}
	return s.render(w, r, http.StatusOK, "comment_correct", p)
}

// queueCorrect saves the correction and returns to the queue; a field in
// error shows the form again with what was typed.
func (s *Server) queueCorrect(w http.ResponseWriter, r *http.Request) error {
	p, err := s.correctPage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	p.Form = commenting.Correction{Name: r.PostForm.Get("author_name"), Website: r.PostForm.Get("author_url"), Body: r.PostForm.Get("body")}
	p.Back = moderatorBack(r.PostForm.Get("back"))
	if err := s.comments.Correct(r.Context(), userFrom(r.Context()), p.Comment.ID, p.Form); err != nil {
		if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
			p.Errors = e.Fields
			return s.render(w, r, http.StatusBadRequest, "comment_correct", p)
		}
		return err
	}
	s.flashAt(w, r, p.Back, "The comment is corrected.")
	redirect(w, r, p.Return())
	return nil
}

// correctPage loads the comment the URL's key names, for a moderator.
func (s *Server) correctPage(r *http.Request) (commentCorrectPage, error) {
	if err := can(r, account.Moderate, account.Site); err != nil {
		return commentCorrectPage{}, err
	}
	k, err := moderation.ParseKey(chi.URLParam(r, "key"))
	if err != nil || k.Kind != moderation.KindComment {
		return commentCorrectPage{}, apperr.ErrNotFound
	}
	c, err := s.comments.Comment(r.Context(), k.ID)
	if err != nil {
		return commentCorrectPage{}, err
	}
	p := commentCorrectPage{Page: s.page(r, "Edit a comment"), Comment: c, Key: k.String(),
		Back: moderatorBack(r.URL.Query().Get("back"))}
	if r.URL.Query().Get("back") == "" { // opened by its address: back to the tab that lists it
		p.Back = queueURL(c.Status, "", 0, "", "")
	}
	p.NoIndex = true
	if pp, err := s.comments.Post(r.Context(), c.PostID); err == nil {
		p.PostTitle, p.PostPath = pp.Title, pp.Path()
	}
	return p, nil
}
