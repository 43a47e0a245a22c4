package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
)

// myPostsPage is the data of the writer's list of posts.
type myPostsPage struct {
	Page
	Status   post.Status // the tab shown; "" all but trash
	Tabs     []post.Status
	AllPosts bool   // an editor sees everyone's posts
	Query    string // the search box's words, kept by the tabs and pages
	Back     string // this list, for the bulk action to come back to
	Posts    []*post.Post
	Older    string
	Newer    string
}

// maxListQuery is the longest search the posts list takes, in characters.
const maxListQuery = 200

func (s *Server) postList(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.CreatePost, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	q := r.URL.Query()
	cur, err := post.ParseCursor(q.Get("cursor"))
	if err != nil {
		return err
	}
	mp := myPostsPage{Page: s.page(r, "Posts"), Tabs: post.Statuses, Back: r.URL.RequestURI()}
	mp.NoIndex = true
	f := publishing.Filter{Cursor: cur, Limit: 25}
	if mp.Query = strings.TrimSpace(q.Get("q")); utf8.RuneCountInString(mp.Query) > maxListQuery {
		return apperr.New(apperr.Invalid, "Search for at most %d characters.", maxListQuery)
	}
	f.Query = mp.Query
	if st := post.Status(q.Get("status")); st.Valid() {
		mp.Status = st
		f.Statuses = []post.Status{st}
	}
	// Editors see every author's posts (pending ones are their review
	// queue); everyone else sees their own.
	mp.AllPosts = account.Can(u, account.EditPost, account.Site)
	if !mp.AllPosts {
		f.AuthorID = u.ID
	}
	pg, err := s.publishing.List(r.Context(), f)
	if err != nil {
		return err
	}
	mp.Posts = pg.Posts
	link := func(c *post.Cursor) string {
		if c == nil {
			return ""
		}
		v := url.Values{"cursor": {c.String()}}
		if mp.Status != "" {
			v.Set("status", string(mp.Status))
		}
		if mp.Query != "" {
			v.Set("q", mp.Query)
		}
		return "/admin/posts?" + v.Encode()
	}
	mp.Older, mp.Newer = link(pg.Next), link(pg.Prev)
	return s.render(w, r, http.StatusOK, "myposts", mp)
}
