package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/store"
)

// moderationRoutes are the moderators' pages; routes.go mounts them in the
// signed-in group. Each handler checks account.Can.
func (s *Server) moderationRoutes(r chi.Router) {
	r.Get("/admin/moderation", s.h(s.queuePage))
	r.Post("/admin/moderation", s.h(s.queueAction))
	r.Post("/admin/moderation/{id}/reply", s.h(s.queueReply))
	r.Post("/admin/moderation/empty-spam", s.h(s.queueEmptySpam))
	r.Get("/admin/discussion", s.h(s.discussionForm))
	r.Post("/admin/discussion", s.h(s.discussionSave))
	r.Get("/admin/outbox", s.h(s.outboxPage))
	r.Get("/admin/invite", s.h(s.inviteForm))
	r.Post("/admin/invite", s.h(s.invite))
}

// queuePage is the moderation queue.
type queuePage struct {
	Page
	Items    []store.QueueItem
	Status   comment.Status
	Kind     comment.Kind
	PostID   int64
	Counts   map[comment.Status]int
	Tabs     []queueTab
	NextURL  string
	SpamDays int
	Back     string     // this page, to come back to after an action
	Kinds    []string   // for the filter
	Guests   guestQueue // Guest posts: submissions and contributors' posts of this tab (guest_queue.go)
}

type queueTab struct {
	Label, URL string
	Count      int
	Current    bool
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.Moderate, account.Site); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := store.QueueFilter{Status: comment.Status(q.Get("status")), Kind: comment.Kind(q.Get("kind")), Limit: 50}
	if f.Status == "" || f.Status == comment.StatusApproved || !f.Status.Valid() {
		f.Status = comment.StatusHeld
	}
	if f.Kind != "" && !f.Kind.Valid() {
		f.Kind = ""
	}
	f.PostID, _ = strconv.ParseInt(q.Get("post"), 10, 64)
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	items, next, err := store.Queue(ctx, s.store.Pool, f)
	if err != nil {
		return err
	}
	counts, err := store.QueueCounts(ctx, s.store.Pool)
	if err != nil {
		return err
	}
	st, _, err := s.comments.Settings(ctx)
	if err != nil {
		return err
	}
	p := queuePage{Page: s.page(r, "Moderation"), Items: items, Status: f.Status, Kind: f.Kind, PostID: f.PostID,
		Counts: counts, SpamDays: st.SpamDays, Back: r.URL.RequestURI(), Kinds: []string{"comment", "pingback", "webmention", "guest_post"}}
	if p.Guests, err = s.queueGuests(r, f); err != nil {
		return err
	}
	p.NoIndex = true
	for _, t := range []struct {
		label string
		st    comment.Status
	}{{"Held", comment.StatusHeld}, {"Spam", comment.StatusSpam}, {"Trash", comment.StatusTrash}} {
		p.Tabs = append(p.Tabs, queueTab{t.label, queueURL(t.st, f.Kind, f.PostID, 0), counts[t.st], t.st == f.Status})
	}
	if next != 0 {
		p.NextURL = queueURL(f.Status, f.Kind, f.PostID, next)
	}
	return s.render(w, r, http.StatusOK, "moderation", p)
}

func queueURL(st comment.Status, k comment.Kind, post, before int64) string {
	v := url.Values{"status": {string(st)}}
	if k != "" {
		v.Set("kind", string(k))
	}
	if post != 0 {
		v.Set("post", strconv.FormatInt(post, 10))
	}
	if before != 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	return "/admin/moderation?" + v.Encode()
}

// queueAction applies a bulk action to the checked items (or to the one
// item whose button was pressed: name "one", value "ACTION:ID").
func (s *Server) queueAction(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.Moderate, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	action := r.PostForm.Get("action")
	var ids []int64
	if one := r.PostForm.Get("one"); one != "" {
		a, idText, _ := strings.Cut(one, ":")
		id, _ := strconv.ParseInt(idText, 10, 64)
		action, ids = a, []int64{id}
	} else {
		for _, v := range r.PostForm["id"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	done, err := s.comments.Moderate(r.Context(), userFrom(r.Context()), ids, action)
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("%s: %d item%s.", actionLabel(action), len(done), map[bool]string{true: "", false: "s"}[len(done) == 1]))
	redirect(w, r, safeQueueBack(r.PostForm.Get("back")))
	return nil
}

func actionLabel(a string) string {
	return map[string]string{commenting.ActionApprove: "Approved", commenting.ActionSpam: "Marked as spam",
		commenting.ActionTrash: "Moved to trash", commenting.ActionHold: "Moved back to the queue",
		commenting.ActionDelete: "Deleted forever"}[a]
}

// safeQueueBack keeps the moderator on the queue page they came from.
func safeQueueBack(back string) string {
	if u, err := url.Parse(back); err == nil && u.Path == "/admin/moderation" && u.Host == "" && u.Scheme == "" {
		return u.RequestURI()
	}
	return "/admin/moderation"
}

// queueReply approves an item and posts the moderator's reply under it.
func (s *Server) queueReply(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.Moderate, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	if _, err := s.comments.ApproveAndReply(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("body")); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields["body"] != "" {
			return apperr.New(apperr.Invalid, "The reply was not sent: %s", e.Fields["body"])
		}
		return err
	}
	s.setFlash(w, r, "Approved, and your reply is published.")
	redirect(w, r, safeQueueBack(r.PostForm.Get("back")))
	return nil
}

func (s *Server) queueEmptySpam(w http.ResponseWriter, r *http.Request) error {
	n, err := s.comments.EmptySpam(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("Deleted %d spam item%s.", n, map[bool]string{true: "", false: "s"}[n == 1]))
	redirect(w, r, "/admin/moderation?status=spam")
	return nil
}

// heldCount is the number of held items, for the header of moderators'
// pages; an error shows no count rather than failing the page.
func (s *Server) heldCount(r *http.Request) int {
	n, err := store.HeldCount(r.Context(), s.store.Pool)
	if err != nil {
		s.log.Warn("counting held comments", "err", err)
	}
	return n + s.heldGuests(r) // Guest posts: submissions waiting for review (guest_queue.go)
}
