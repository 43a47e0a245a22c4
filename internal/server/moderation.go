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
	"quire/internal/moderating"
	"quire/internal/moderation"
	"quire/internal/post"
)

// queuePage is the moderation queue: one list of every kind the viewer
// may moderate.
type queuePage struct {
	Page
	Cards     []queueCard
	Status    comment.Status
	Kind      moderation.Kind
	PostID    int64
	PostTitle string // the post the list is narrowed to
	Search    string // the search box's words or address
	Tabs      []queueTab
	NextURL   string
	SpamDays  int    // Empty spam deletes what is older (0: all of it)
	Spam      int    // items in spam: Empty spam shows only when there are some
	Trash     int    // items in the trash: likewise Empty trash
	Back      string // this page, to come back to after an action
	Kinds     []moderation.Kind
	Pending   []*post.Post // contributors' posts waiting for review (guest_queue.go)
}

// queueCard is one item as the queue shows it.
type queueCard struct {
	moderating.Item
	Long  bool              // fold the content after about 20 lines
	Back  string            // the queue page it is on, for the edit form to return to
	Block map[string]string // what its Block offers (moderating.BlockTargets)
}

type queueTab struct {
	Label, URL string
	Count      int
	Current    bool
	Counted    bool // show Count
}

// foldAt is about 20 lines of a comment: past it the card folds the
// content behind "Show all".
const foldAt = 1600

func longContent(html string) bool {
	if len(html) > foldAt {
		return true
	}
	lines := strings.Count(html, "\n") + strings.Count(html, "<br") + strings.Count(html, "<p") + strings.Count(html, "<li")
	return lines > 20
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	kinds := moderating.Kinds(u)
	if len(kinds) == 0 {
		return can(r, account.Moderate, account.Site) // the sign-in redirect or 403
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := moderating.Filter{Status: comment.Status(q.Get("status")), Limit: 50, Cursor: q.Get("after")}
	if f.Status == "" || !f.Status.Valid() {
		f.Status = comment.StatusHeld
	}
	kind := moderation.Kind(q.Get("kind"))
	if !moderating.May(u, kind) {
		kind = ""
	}
	f.PostID, _ = strconv.ParseInt(q.Get("post"), 10, 64)
	f.Search = strings.TrimSpace(q.Get("q")) // moderating.List refuses more than MaxSearch characters
	items, next, err := s.queue.List(ctx, u, f, kind)
	if err != nil {
		return err
	}
	counts, err := s.queue.Counts(ctx, u)
	if err != nil {
		return err
	}
	st, _, err := s.comments.Settings(ctx)
	if err != nil {
		return err
	}
	p := queuePage{Page: s.page(r, "Moderation"), Status: f.Status, Kind: kind, PostID: f.PostID, Search: f.Search, SpamDays: st.SpamDays,
		Back: r.URL.RequestURI(), Kinds: kinds}
	p.NoIndex = true
	for _, it := range items {
		p.Cards = append(p.Cards, queueCard{Item: it, Long: longContent(it.BodyHTML), Back: p.Back,
			Block: moderating.BlockTargets(it.Key.Kind, it.Comment.Comment)})
	}
	if f.PostID != 0 {
		if pp, err := s.comments.Post(ctx, f.PostID); err == nil {
			p.PostTitle = pp.Title
		}
	}
	if f.Status == comment.StatusHeld && f.Cursor == "" && f.PostID == 0 && f.Search == "" {
		if p.Pending, err = s.pendingPosts(r); err != nil {
			return err
		}
	}
	for _, t := range []struct {
		label string
		st    comment.Status
	}{{"Held", comment.StatusHeld}, {"Approved", comment.StatusApproved}, {"Spam", comment.StatusSpam}, {"Trash", comment.StatusTrash}} {
		// Approved has no count: it is every comment on the blog, not
		// work waiting; the tab is where a published one is taken back.
		switch t.st {
		case comment.StatusSpam:
			p.Spam = counts[t.st]
		case comment.StatusTrash:
			p.Trash = counts[t.st]
		}
		p.Tabs = append(p.Tabs, queueTab{t.label, queueURL(t.st, kind, f.PostID, f.Search, ""), counts[t.st], t.st == f.Status, t.st != comment.StatusApproved})
	}
	if next != "" {
		p.NextURL = queueURL(f.Status, kind, f.PostID, f.Search, next)
	}
	return s.render(w, r, http.StatusOK, "moderation", p)
}

// queueURL is the queue's address for a tab, narrowed by kind, post and
// search (each left out when empty), at the page after the cursor.
func queueURL(st comment.Status, k moderation.Kind, post int64, search, after string) string {
	v := url.Values{"status": {string(st)}}
	if k != "" {
		v.Set("kind", string(k))
	}
	if post != 0 {
		v.Set("post", strconv.FormatInt(post, 10))
	}
	if search != "" {
		v.Set("q", search)
	}
	if after != "" {
		v.Set("after", after)
	}
	return "/admin/moderation?" + v.Encode()
}

// queueAction applies a bulk action to the checked items (name "key") or
// to the one item whose button was pressed (name "one", value
// "ACTION:KEY"). Every key names its kind (c12, g3): an item of another
// kind with the same number is never touched.
func (s *Server) queueAction(w http.ResponseWriter, r *http.Request) error {
	if len(moderating.Kinds(userFrom(r.Context()))) == 0 {
		return can(r, account.Moderate, account.Site)
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	action := r.PostForm.Get("action")
	texts := r.PostForm["key"]
	if one := r.PostForm.Get("one"); one != "" {
		a, k, _ := strings.Cut(one, ":")
		action, texts = a, []string{k}
	}
	if len(texts) > moderating.MaxKeys {
		return apperr.New(apperr.Invalid, "Select at most %d items at once.", moderating.MaxKeys)
	}
	keys := make([]moderation.Key, 0, len(texts))
	for _, t := range texts {
		k, err := moderation.ParseKey(t)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	done, skipped, err := s.queue.Act(r.Context(), userFrom(r.Context()), keys, action)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s: %s.", actionLabel(action), plural(len(done), "item"))
	for _, sk := range skipped {
		msg += " A guest post was left as it was: " + sk.Reason
	}
	back := moderatorBack(r.PostForm.Get("back"))
	s.flashAt(w, r, back, msg)
	if !onQueue(back) && !strings.Contains(back, "#") {
		back += "#comments" // from a post page: back to its comments
	}
	redirect(w, r, back)
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

// moderatorBack is where a moderator's action on a comment returns: the
// queue page they came from, or the post page they acted on it from (a
// path on this site, never another).
func moderatorBack(back string) string {
	if !onQueue(back) {
		if p, ok := localPath(back); ok {
			return p
		}
	}
	return safeQueueBack(back)
}

// flashAt sets msg where a moderator sent back to back reads it: at the
// queue's top, or in the comments of the post they acted on.
func (s *Server) flashAt(w http.ResponseWriter, r *http.Request, back, msg string) {
	in := ""
	if !onQueue(back) {
		in = "comments"
	}
	s.setFlashIn(w, r, msg, in)
}

// onQueue reports whether back names the queue rather than a post page.
func onQueue(back string) bool {
	u, err := url.Parse(back)
	return err != nil || u.Path == "/admin/moderation"
}

// queueReply approves a comment and posts the moderator's reply under it.
// Only comments take a reply here (pingbacks and webmentions are other
// sites' pages; a guest post's messages are on its review page).
func (s *Server) queueReply(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.Moderate, account.Site); err != nil {
		return err
	}
	k, err := moderation.ParseKey(chi.URLParam(r, "key"))
	if err != nil || k.Kind != moderation.KindComment {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	if _, err := s.comments.ApproveAndReply(r.Context(), userFrom(r.Context()), k.ID, r.PostForm.Get("body")); err != nil {
		if e, ok := apperr.As(err); ok && e.Fields["body"] != "" {
			return apperr.New(apperr.Invalid, "The reply was not sent: %s", e.Fields["body"])
		}
		return err
	}
	s.setFlash(w, r, "Approved, and your reply is published.")
	redirect(w, r, safeQueueBack(r.PostForm.Get("back")))
	return nil
}

// queueBlock puts a card's e-mail address, IP or site on the blocklist
// and marks the item as spam.
func (s *Server) queueBlock(w http.ResponseWriter, r *http.Request) error {
	k, err := moderation.ParseKey(chi.URLParam(r, "key"))
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	b, err := s.queue.Block(r.Context(), userFrom(r.Context()), k, r.PostForm.Get("what"))
	if err != nil {
		return err
	}
	msg := "Blocked: “" + b.Line + "” is on the blocklist; what comes from it goes to spam. This " + strings.ToLower(k.Kind.Label()) + " is marked as spam."
	if !b.Added {
		msg = "“" + b.Line + "” was on the blocklist already. This " + strings.ToLower(k.Kind.Label()) + " is marked as spam."
	}
	s.setFlash(w, r, msg)
	redirect(w, r, safeQueueBack(r.PostForm.Get("back")))
	return nil
}

func (s *Server) queueEmptySpam(w http.ResponseWriter, r *http.Request) error {
	n, err := s.queue.EmptySpam(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("Deleted %s.", plural(int(n), "spam item")))
	redirect(w, r, "/admin/moderation?status=spam")
	return nil
}

func (s *Server) queueEmptyTrash(w http.ResponseWriter, r *http.Request) error {
	n, err := s.queue.EmptyTrash(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	s.setFlash(w, r, fmt.Sprintf("Deleted %s from the trash.", plural(int(n), "item")))
	redirect(w, r, "/admin/moderation?status=trash")
	return nil
}

// heldCount is the number of held items the viewer may moderate, for the
// menu badge and the dashboard: the Held tab's own number. An error shows
// no count rather than failing the page.
func (s *Server) heldCount(r *http.Request) int {
	counts, err := s.queue.Counts(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.log.Warn("counting the queue", "err", err)
	}
	return counts[comment.StatusHeld]
}
