package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/publishing"
)

// postBulk applies the posts list's bulk action to the checked posts (or
// the editor's Delete forever to its trashed post) and goes back to the
// list it came from, saying what was done and what was left as it was.
func (s *Server) postBulk(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	back, noun := "/admin/posts", "post"
	if b, ok := localPath(r.PostForm.Get("back")); ok && (strings.HasPrefix(b, "/admin/posts") || strings.HasPrefix(b, "/admin/pages")) {
		back = b
	}
	if strings.HasPrefix(back, "/admin/pages") { // the pages list, or a page's editor
		noun = "page"
	}
	texts := r.PostForm["id"]
	if len(texts) == 0 {
		s.setFlash(w, r, "Nothing was changed: tick the "+noun+"s first.")
		redirect(w, r, back)
		return nil
	}
	if len(texts) > publishing.MaxBulk {
		return apperr.New(apperr.Invalid, "Select at most %d posts at once.", publishing.MaxBulk)
	}
	ids := make([]int64, 0, len(texts))
	for _, t := range texts {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			return apperr.New(apperr.Invalid, "A post's number is not valid.")
		}
		ids = append(ids, id)
	}
	action := r.PostForm.Get("action")
	var msg string
	var refused []publishing.Refusal
	if kind, add, ok := publishing.TermAction(action); ok {
		t, changed, ref, err := s.publishing.BulkTerm(r.Context(), userFrom(r.Context()), ids, kind, r.PostForm.Get("term"), add)
		if apperr.CodeOf(err) == apperr.Invalid { // a name to mend: said over the list, which keeps the ticks' page
			s.setFlash(w, r, "Nothing was changed: "+apperr.MessageOf(err))
			redirect(w, r, back)
			return nil
		}
		if err != nil {
			return err
		}
		done := "Added the %s “%s” to %s."
		if !add {
			done = "Took the %s “%s” off %s."
		}
		msg, refused = fmt.Sprintf(done, t.Kind, t.Name, plural(len(changed), noun)), ref
	} else {
		done, ref, err := s.publishing.Bulk(r.Context(), userFrom(r.Context()), ids, action)
		if err != nil {
			return err
		}
		verb := map[string]string{publishing.BulkTrash: "Moved %s to the trash.", publishing.BulkRestore: "Restored %s as drafts.",
			publishing.BulkDelete: "Deleted %s forever."}[action]
		msg, refused = fmt.Sprintf(verb, plural(len(done), noun)), ref
	}
	if len(refused) > 0 { // the first reason: a list mostly fails one way (not yours, not in the trash)
		left := "they were"
		if len(refused) == 1 {
			left = "it was"
		}
		msg += fmt.Sprintf(" %s left as %s: %s", plural(len(refused), noun), left, refused[0].Reason)
	}
	s.setFlash(w, r, msg)
	redirect(w, r, back)
	return nil
}
