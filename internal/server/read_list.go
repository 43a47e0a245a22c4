package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/reading"
)

// listPage is the data of every paginated list of posts: the front page,
// month archives, tag, category and author pages.
type listPage struct {
	Page
	Heading    string
	Kicker     string        // small line above the heading ("Tag", "Archive")
	Author     *account.User // the author page's profile
	Posts      []*post.Post
	Pinned     map[int64]bool        // the posts pinned above the front page's first page
	Counts     map[int64]int         // approved responses per post
	Featured   map[int64]*post.Image // featured images by post id (cards use them before the first picture)
	PageNum    int                   // 1 for the first page; carried in the links as ?page=
	Older      string                // link to the next page in list order, or ""
	Newer      string
	FeedPrefix string // where this list's feeds live ("" for the site)
	pinFirst   bool   // the front page: the pinned posts go first (putPinnedFirst)
}

// renderList loads one page of f (cursor from the query) and renders it.
func (s *Server) renderList(w http.ResponseWriter, r *http.Request, f reading.Filter, lp listPage) error {
	cur, err := post.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	f.Cursor, f.Limit = cur, s.siteInfo(r.Context()).PostsPerPage // Settings: posts per page
	pg, err := s.reading.Posts(r.Context(), f)
	if err != nil {
		return err
	}
	lp.Posts = pg.Posts
	if lp.pinFirst {
		s.putPinnedFirst(r, cur, &lp)
	}
	// The page number only names the page ("Page 2"); the cursor decides
	// what is on it, so a wrong number shows the right posts.
	lp.PageNum = 1
	numbered := cur.IsZero() // an old link with a cursor and no number: pages stay unnumbered
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 && !cur.IsZero() {
		lp.PageNum, numbered = min(n, 100000), true
	}
	link := func(c *post.Cursor, n int) string {
		switch {
		case c == nil:
			return ""
		case numbered && n <= 1:
			return r.URL.Path // the first page has one address
		}
		q := url.Values{"cursor": {c.String()}}
		if numbered {
			q.Set("page", strconv.Itoa(n))
		}
		return r.URL.Path + "?" + q.Encode()
	}
	lp.Older, lp.Newer = link(pg.Next, lp.PageNum+1), link(pg.Prev, lp.PageNum-1)
	if !cur.IsZero() && len(pg.Posts) == 0 {
		return apperr.ErrNotFound
	}
	if lp.PageNum > 1 {
		lp.Title = strings.TrimPrefix(lp.Title+" · Page "+strconv.Itoa(lp.PageNum), " · ")
		lp.Kicker = strings.TrimPrefix(lp.Kicker+" · Page "+strconv.Itoa(lp.PageNum), " · ")
	}
	ids := make([]int64, len(lp.Posts))
	for i, p := range lp.Posts {
		ids[i] = p.ID
	}
	if lp.Counts, err = s.reading.CommentCounts(r.Context(), ids); err != nil {
		return err
	}
	lp.Featured = s.listFeatured(r.Context(), lp.Posts)
	if lp.FeedPrefix != "" {
		lp.Feeds = append([]FeedLink{
			{"application/atom+xml", lp.Heading + " (Atom)", lp.FeedPrefix + "/feed.atom"},
			{"application/rss+xml", lp.Heading + " (RSS)", lp.FeedPrefix + "/feed.rss"},
		}, lp.Feeds...)
	}
	return s.renderPublic(w, r, "posts", lp)
}

func (s *Server) frontPage(w http.ResponseWriter, r *http.Request) error {
	site := s.siteInfo(r.Context())
	lp := listPage{Page: s.page(r, ""), Heading: "Latest posts"}
	if r.URL.Query().Get("cursor") != "" {
		lp.Heading = "Older posts"
	}
	lp.Description = site.Tagline
	if site.Description != "" {
		lp.Description = site.Description // Settings: the blog's own description
	}
	lp.pinFirst = true
	return s.renderList(w, r, reading.Filter{}, lp)
}

// putPinnedFirst puts the pinned posts at the top of the front page's
// first page, as WordPress does its sticky posts: a pinned post that is
// on the page anyway moves up; the others are added above it. Later pages
// keep every post in its place. Without them the page still shows.
func (s *Server) putPinnedFirst(r *http.Request, cur post.Cursor, lp *listPage) {
	if !cur.IsZero() {
		return
	}
	pinned, err := s.reading.Pinned(r.Context())
	if err != nil {
		s.log.Warn("reading pinned posts", "err", err)
		return
	}
	if len(pinned) == 0 {
		return
	}
	lp.Pinned = make(map[int64]bool, len(pinned))
	for _, p := range pinned {
		lp.Pinned[p.ID] = true
	}
	rest := lp.Posts[:0:0]
	for _, p := range lp.Posts {
		if !lp.Pinned[p.ID] {
			rest = append(rest, p)
		}
	}
	lp.Posts = append(pinned, rest...)
}

func (s *Server) monthPage(w http.ResponseWriter, r *http.Request) error {
	y, err1 := strconv.Atoi(chi.URLParam(r, "year"))
	m, err2 := strconv.Atoi(chi.URLParam(r, "month"))
	if err1 != nil || err2 != nil || y < 1970 || y > 9999 || m < 1 || m > 12 {
		return apperr.ErrNotFound
	}
	from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
	title := from.Format("January 2006")
	lp := listPage{Page: s.page(r, title), Heading: title, Kicker: "Archive"}
	return s.renderList(w, r, reading.Filter{From: from, To: from.AddDate(0, 1, 0)}, lp)
}

func (s *Server) termPage(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, err := s.reading.Term(r.Context(), kind, chi.URLParam(r, "slug"))
		if err != nil {
			return err
		}
		kicker := "Tag"
		if kind == post.Category {
			kicker = "Category"
		}
		lp := listPage{Page: s.page(r, t.Name), Heading: t.Name, Kicker: kicker, FeedPrefix: t.Path()}
		lp.Description = fmt.Sprintf("Posts in %s %q.", kind, t.Name)
		return s.renderList(w, r, reading.Filter{TermID: t.ID}, lp)
	}
}

// author returns the writer named in the URL (reading.Service.Author).
func (s *Server) author(r *http.Request) (*account.User, error) {
	return s.reading.Author(r.Context(), chi.URLParam(r, "username"))
}

func (s *Server) authorPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.author(r)
	if err != nil {
		return err
	}
	lp := listPage{Page: s.page(r, u.Name()), Heading: u.Name(), Kicker: "Author", Author: u, FeedPrefix: post.AuthorPath(u.Username)}
	lp.Description = "Posts by " + u.Name() + "."
	lp.OG = map[string]string{"og:type": "profile", "og:title": u.Name(), "og:url": s.abs(post.AuthorPath(u.Username))}
	return s.renderList(w, r, reading.Filter{AuthorID: u.ID}, lp)
}

// archivePage lists the months that have posts.
type archivePage struct {
	Page
	Months []reading.MonthCount
}

func (s *Server) archiveIndex(w http.ResponseWriter, r *http.Request) error {
	months, err := s.reading.Months(r.Context())
	if err != nil {
		return err
	}
	return s.renderPublic(w, r, "archive", archivePage{Page: s.page(r, "Archive"), Months: months})
}

// termListPage lists the tags or the categories in use.
type termListPage struct {
	Page
	Heading string
	Terms   []reading.TermCount
}

func (s *Server) termIndex(kind post.TermKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		terms, err := s.reading.Terms(r.Context(), kind)
		if err != nil {
			return err
		}
		heading := "Tags"
		if kind == post.Category {
			heading = "Categories"
		}
		return s.renderPublic(w, r, "termlist", termListPage{Page: s.page(r, heading), Heading: heading, Terms: terms})
	}
}
