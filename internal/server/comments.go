package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/store"
)

// initComments builds the comment workflow: the job queue (enqueue-only
// when the composition root gave none), the signing key and the service.
func (s *Server) initComments(q *jobs.Queue) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := store.SecretKey(ctx, s.store.Pool)
	if err != nil {
		return err
	}
	s.key = key
	if q == nil {
		if q, err = jobs.New(jobs.Deps{Pool: s.store.Pool, BaseURL: s.cfg.BaseURL, Key: key, Log: s.log}, false); err != nil {
			return err
		}
	}
	s.jobs = q
	s.comments = &commenting.Service{Store: s.store, Render: renderer(), Jobs: q, Key: key, Now: s.now}
	s.mail, err = mail.LoadTemplates(s.webFS)
	return err
}

// commentRoutes are the public comment endpoints; routes.go mounts them in
// the browser group (sessions, cross-origin protection).
func (s *Server) commentRoutes(r chi.Router) {
	r.Post("/posts/{id}/comments", s.h(s.commentSubmit))
	r.Get("/comments/{id}", s.h(s.commentPermalink))
	r.Get("/comments/{id}/edit", s.h(s.commentEditForm))
	r.Post("/comments/{id}/edit", s.h(s.commentEdit))
	r.Post("/comments/{id}/delete", s.h(s.commentDelete))
	r.Get("/comments/{id}/unsubscribe", s.h(s.commentUnsubscribeForm))
	r.Post("/comments/{id}/unsubscribe", s.h(s.commentUnsubscribe))
	r.Get("/comments/confirm", s.h(s.commentConfirmForm))
	r.Post("/comments/confirm", s.h(s.commentConfirm))
	s.memberRoutes(r)
}

// commentsView is the data of the comments partial under a post.
type commentsView struct {
	PostID        int64
	PostPath      string
	PostAuthorID  int64
	Count         int           // approved comments and linkbacks
	Items         []commentItem // the top-level threads of this page, with their replies
	Page, Pages   int
	PrevURL       string // the page before, in display order
	NextURL       string
	PrevLabel     string
	NextLabel     string
	Closed        bool
	MembersOnly   bool // and the visitor may not comment
	SignInURL     string
	Form          commentForm
	ReplyTo       *comment.Comment
	Held          *store.Comment // the visitor's own comment awaiting moderation
	Editable      map[int64]bool // the guest's own comments still open to change
	User          *account.User
	EmailOptional bool
	FeedAtom      string
	FeedRSS       string
}

// commentsFor loads the approved thread of p (one query) and everything
// the partial needs. The post page calls it.
func (s *Server) commentsFor(r *http.Request, p *post.Post) (*commentsView, error) {
	ctx := r.Context()
	flat, err := store.Thread(ctx, s.store.Pool, p.ID)
	if err != nil {
		return nil, err
	}
	st, _, err := s.comments.Settings(ctx)
	if err != nil {
		return nil, err
	}
	u := userFrom(ctx)
	q := r.URL.Query()
	v := &commentsView{
		PostID: p.ID, PostPath: p.Path(), PostAuthorID: p.AuthorID, Count: len(flat), User: u,
		FeedAtom: p.Path() + "/comments.atom", FeedRSS: p.Path() + "/comments.rss",
		SignInURL: "/signin?next=" + url.QueryEscape(p.Path()+"#respond"),
	}
	roots := comment.BuildThread(flat)
	if st.NewestFirst {
		for i, j := 0, len(roots)-1; i < j; i, j = i+1, j-1 {
			roots[i], roots[j] = roots[j], roots[i]
		}
	}
	page, _ := strconv.Atoi(q.Get("cpage"))
	var pageRoots []*comment.Node
	pageRoots, v.Page, v.Pages = pageOf(roots, st.PerPage, page)
	if v.Page > 1 {
		v.PrevURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page-1) + "#comments"
	}
	if v.Page < v.Pages {
		v.NextURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page+1) + "#comments"
	}
	v.PrevLabel, v.NextLabel = "Older comments", "Newer comments"
	if st.NewestFirst {
		v.PrevLabel, v.NextLabel = v.NextLabel, v.PrevLabel
	}

	pol := p.CommentsOpenAt(s.now(), st.CloseAfterDays)
	v.Closed = pol == post.CommentsClosed
	v.MembersOnly = pol == post.CommentsMembers && !account.Can(u, account.CommentAsMember, account.Site)
	v.EmailOptional = st.EmailOptional
	v.Form = s.rememberedForm(r)
	v.Form.Token = s.formToken(p.ID)
	if id, _ := strconv.ParseInt(q.Get("replyto"), 10, 64); id > 0 {
		for i := range flat {
			if flat[i].ID == id {
				v.ReplyTo = &flat[i]
				v.Form.ParentID = id
			}
		}
	}
	// A guest's held comment is shown to them (only) with a notice, as
	// WordPress does: the redirect after posting names it with a signature.
	if id, ok := s.verifyHeld(q.Get("unapproved"), q.Get("sig")); ok {
		if c, err := store.CommentByID(ctx, s.store.Pool, id); err == nil && c.PostID == p.ID && c.Status == comment.StatusHeld {
			v.Held = c
		}
	}
	v.Editable = s.editableComments(r)
	v.Items = v.items(pageRoots, s.now())
	return v, nil
}

// commentItem is one comment as the "comment" template shows it. Its
// fields are plain values computed once: text/template looks fields up by
// reflection, and through embedded structs and method sets that lookup
// dominated the rendering of a long thread.
type commentItem struct {
	ID                           int64
	Pingback, Linkback           bool
	Name, AuthorURL              string
	Class                        string // of the <li>: "comment", plus bypostauthor or linkback
	Initials, Hue                string // the avatar drawn for the name (theme_data.go); "↩" for linkbacks
	SourceURL, Title             string
	BodyHTML                     string
	Ago, ISO, Exact              string
	ByPostAuthor, Orphan, Edited bool
	Editable                     bool
	ReplyURL                     string // "" when replies are not taken
	Children                     []commentItem
}

// items converts the built thread for the template.
func (v *commentsView) items(nodes []*comment.Node, now time.Time) []commentItem {
	out := make([]commentItem, len(nodes))
	for i, n := range nodes {
		it := &out[i]
		*it = commentItem{ID: n.ID, Pingback: n.Kind == comment.KindPingback, Linkback: n.Kind.IsLinkback(),
			Name: n.DisplayName(), AuthorURL: n.AuthorURL, Initials: initials(n.DisplayName()), Hue: hue(n.DisplayName()), SourceURL: n.SourceURL, Title: n.Title, BodyHTML: n.BodyHTML,
			Ago: agoFrom(n.CreatedAt, now), ISO: n.CreatedAt.UTC().Format(time.RFC3339), Exact: n.CreatedAt.UTC().Format("2 January 2006, 15:04 MST"),
			ByPostAuthor: n.AuthorUserID != 0 && n.AuthorUserID == v.PostAuthorID, Orphan: n.Orphan, Edited: !n.UpdatedAt.IsZero(),
			Editable: v.Editable[n.ID]}
		switch {
		case it.Linkback:
			it.Class, it.Initials = "comment linkback", "↩"
		case it.ByPostAuthor:
			it.Class = "comment bypostauthor"
		default:
			it.Class = "comment"
		}
		if !v.Closed && !v.MembersOnly {
			it.ReplyURL = v.PostPath + "?replyto=" + strconv.FormatInt(n.ID, 10)
			if v.Page > 1 {
				it.ReplyURL += "&cpage=" + strconv.Itoa(v.Page)
			}
			it.ReplyURL += "#respond"
		}
		if len(n.Children) > 0 {
			it.Children = v.items(n.Children, now)
		}
	}
	return out
}

// agoFrom is the template's ago with a fixed now, for a whole thread.
func agoFrom(t, now time.Time) string {
	switch d := now.Sub(t); {
	case d < -time.Minute:
		// A clock ahead of ours (an import's local time read as UTC): the
		// date is right where "just now" would not be.
		return t.UTC().Format("2 January 2006")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	case d < 365*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month") + " ago"
	default:
		return plural(int(d/(365*24*time.Hour)), "year") + " ago"
	}
}

// pageOf returns page n (1-based, clamped) of roots with per threads each;
// per 0 puts everything on one page.
func pageOf(roots []*comment.Node, per, n int) ([]*comment.Node, int, int) {
	if per <= 0 || len(roots) <= per {
		return roots, 1, 1
	}
	pages := (len(roots) + per - 1) / per
	n = min(max(n, 1), pages)
	return roots[(n-1)*per : min(n*per, len(roots))], n, pages
}

// commentPermalink sends /comments/ID to the post page that shows it:
// the right page of top-level threads, scrolled to #comment-ID.
func (s *Server) commentPermalink(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	p, err := store.PostByID(r.Context(), s.store.Pool, c.PostID)
	if err != nil {
		return err
	}
	if c.Status != comment.StatusApproved || !p.Public(s.now()) {
		return notFoundErr()
	}
	flat, err := store.Thread(r.Context(), s.store.Pool, p.ID)
	if err != nil {
		return err
	}
	st, _, err := s.comments.Settings(r.Context())
	if err != nil {
		return err
	}
	redirect(w, r, p.Path()+pageQuery(flat, c.ID, st)+"#comment-"+strconv.FormatInt(c.ID, 10))
	return nil
}

// pageQuery returns "?cpage=N" for the page showing comment id, or "".
func pageQuery(flat []comment.Comment, id int64, st commenting.Settings) string {
	roots := comment.BuildThread(flat)
	if st.NewestFirst {
		for i, j := 0, len(roots)-1; i < j; i, j = i+1, j-1 {
			roots[i], roots[j] = roots[j], roots[i]
		}
	}
	if st.PerPage <= 0 || len(roots) <= st.PerPage {
		return ""
	}
	for i, root := range roots {
		found := false
		for _, n := range comment.Flatten([]*comment.Node{root}) {
			if n.ID == id {
				found = true
				break
			}
		}
		if found {
			if pg := i/st.PerPage + 1; pg > 1 {
				return "?cpage=" + strconv.Itoa(pg)
			}
			return ""
		}
	}
	return ""
}
