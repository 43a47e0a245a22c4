package server

import (
	"net/http"
	"net/url"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/publishing"
)

// myPostsPage is the data of the writer's list of posts.
type myPostsPage struct {
	Page
	Status   post.Status // the tab shown; "" all but trash
	Tabs     []post.Status
	AllPosts bool // an editor sees everyone's posts
	Posts    []*post.Post
	Older    string
	Newer    string
}

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
	mp := myPostsPage{Page: s.page(r, "Posts"), Tabs: post.Statuses}
	mp.NoIndex = true
	f := publishing.Filter{Cursor: cur, Limit: 25}
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
		return "/admin/posts?" + v.Encode()
	}
	mp.Older, mp.Newer = link(pg.Next), link(pg.Prev)
	return s.render(w, r, http.StatusOK, "myposts", mp)
}
