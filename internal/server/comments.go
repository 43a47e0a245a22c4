package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
)

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
	Held          *commenting.Comment // the visitor's own comment awaiting moderation
	Editable      map[int64]bool      // the guest's own comments still open to change
	User          *account.User
	EmailOptional bool
	MaxChars      string // the longest comment, "20,000" (characters)
	FeedAtom      string
	FeedRSS       string
}

// commentsFor loads the page of p's approved thread the request asks for
// (the kept counts, at most two root paths, one range of comments) and
// everything the partial needs. The post page calls it.
func (s *Server) commentsFor(r *http.Request, p *post.Post) (*commentsView, error) {
	ctx := r.Context()
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("cpage"))
	u := userFrom(ctx)
	t, err := s.comments.Thread(ctx, p, u, page)
	if err != nil {
		return nil, err
	}
	st := t.Settings
	v := &commentsView{
		PostID: p.ID, PostPath: p.Path(), PostAuthorID: p.AuthorID, Count: t.Count, User: u,
		FeedAtom: p.Path() + "/comments.atom", FeedRSS: p.Path() + "/comments.rss",
		SignInURL: "/signin?next=" + url.QueryEscape(p.Path()+"#respond"),
		Page:      t.Page, Pages: t.Pages, Closed: t.Closed, MembersOnly: t.MembersOnly,
	}
	if v.Page > 1 {
		v.PrevURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page-1) + "#comments"
	}
	if v.Page < v.Pages {
		v.NextURL = p.Path() + "?cpage=" + strconv.Itoa(v.Page+1) + "#comments"
	}
	// Pages are numbered in display order: with newest first, the next
	// page holds older comments.
	v.PrevLabel, v.NextLabel = "Older comments", "Newer comments"
	if st.NewestFirst {
		v.PrevLabel, v.NextLabel = v.NextLabel, v.PrevLabel
	}
	v.EmailOptional = st.EmailOptional
	v.MaxChars = comment.Thousands(st.MaxCommentChars)
	v.Form = s.rememberedForm(r)
	v.Form.Token = s.formToken(p.ID)
	if id, _ := strconv.ParseInt(q.Get("replyto"), 10, 64); id > 0 {
		// The comment replied to may be on another page of the thread.
		if c := s.comments.ReplyTarget(ctx, p.ID, id); c != nil {
			v.ReplyTo = c
			v.Form.ParentID = id
		}
	}
	// A guest's held comment is shown to them (only) with a notice, as
	// WordPress does: the redirect after posting names it with a signature.
	if id, ok := s.verifyHeld(q.Get("unapproved"), q.Get("sig")); ok {
		v.Held = s.comments.Held(ctx, p.ID, id)
	}
	v.Editable = s.editableComments(r)
	v.Items = v.items(t.Roots, s.now())
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
		if !v.Closed && !v.MembersOnly && !n.Kind.IsLinkback() { // a pingback or webmention is another site's page: no reply under it
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

// commentPermalink sends /comments/ID to the post page that shows it:
// the right page of top-level threads, scrolled to #comment-ID.
func (s *Server) commentPermalink(w http.ResponseWriter, r *http.Request) error {
	c, err := s.commentParam(r)
	if err != nil {
		return err
	}
	p, err := s.comments.Post(r.Context(), c.PostID)
	if err != nil {
		return err
	}
	if c.Status != comment.StatusApproved || !p.Public(s.now()) {
		return notFoundErr()
	}
	q, err := s.commentPageQuery(r.Context(), p.ID, c.Path)
	if err != nil {
		return err
	}
	redirect(w, r, p.Path()+q+"#comment-"+strconv.FormatInt(c.ID, 10))
	return nil
}

// commentPageQuery returns "?cpage=N" for the page showing the approved
// comment at path on post postID, or "" for the first page; the page is
// computed in SQL from the roots index, not by loading the thread.
func (s *Server) commentPageQuery(ctx context.Context, postID int64, path string) (string, error) {
	pg, err := s.comments.PageOf(ctx, postID, path)
	if err != nil || pg <= 1 {
		return "", err
	}
	return "?cpage=" + strconv.Itoa(pg), nil
}
