package server

import (
	"net/http"
	"net/url"
	"strings"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/publishing"
)

// myPostsPage is the data of the writer's list of posts.
type myPostsPage struct {
	Page
	Status   post.Status // the tab shown; "" all but trash
	Tabs     []listTab
	AllPosts bool     // an editor sees everyone's posts
	Query    string   // the search box's words, kept by the tabs and pages
	Author   string   // an editor's choice of one writer ("" everyone's), kept likewise
	Writers  []string // the usernames an editor may choose from
	Back     string   // this list, for the bulk action to come back to
	Posts    []*post.Post
	Older    string
	Newer    string
}

// listTab is one status tab of the posts list ("" is All), with the
// posts it holds (the writer's choice counts, the search does not).
type listTab struct {
	Label, URL string
	Current    bool
	Count      int
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
	mp := myPostsPage{Page: s.page(r, "Posts"), Back: r.URL.RequestURI(), Query: strings.TrimSpace(q.Get("q"))}
	mp.NoIndex = true
	f := publishing.Filter{Cursor: cur, Limit: 25, Query: mp.Query} // List refuses more than MaxQuery characters
	if st := post.Status(q.Get("status")); st.Valid() {
		mp.Status = st
		f.Statuses = []post.Status{st}
	}
	// Editors see every author's posts (pending ones are their review
	// queue), or one writer's; everyone else sees their own.
	mp.AllPosts = account.Can(u, account.EditPost, account.Site)
	switch {
	case !mp.AllPosts:
		f.AuthorID = u.ID
	case q.Get("author") != "":
		au, err := s.publishing.Author(r.Context(), q.Get("author"))
		if err != nil {
			return err // an unknown writer: 404
		}
		mp.Author, f.AuthorID = au.Username, au.ID
	}
	if mp.AllPosts {
		if mp.Writers, err = s.writers(r); err != nil {
			return err
		}
	}
	pg, err := s.publishing.List(r.Context(), f)
	if err != nil {
		return err
	}
	mp.Posts = pg.Posts
	counts, err := s.publishing.Counts(r.Context(), f.AuthorID)
	if err != nil {
		return err
	}
	all := 0
	for st, n := range counts {
		if st != post.Trashed { // All is all but the trash, as its list
			all += n
		}
	}
	mp.Tabs = append(mp.Tabs, listTab{"All", mp.listURL("", nil), mp.Status == "", all})
	for _, st := range post.Statuses {
		mp.Tabs = append(mp.Tabs, listTab{st.Label(), mp.listURL(st, nil), mp.Status == st, counts[st]})
	}
	if pg.Next != nil {
		mp.Older = mp.listURL(mp.Status, pg.Next)
	}
	if pg.Prev != nil {
		mp.Newer = mp.listURL(mp.Status, pg.Prev)
	}
	return s.render(w, r, http.StatusOK, "myposts", mp)
}

// listURL is the posts list at tab st (and cursor c, when set) with this
// list's search and writer.
func (mp *myPostsPage) listURL(st post.Status, c *post.Cursor) string {
	v := url.Values{}
	if st != "" {
		v.Set("status", string(st))
	}
	if mp.Query != "" {
		v.Set("q", mp.Query)
	}
	if mp.Author != "" {
		v.Set("author", mp.Author)
	}
	if c != nil {
		v.Set("cursor", c.String())
	}
	if len(v) == 0 {
		return "/admin/posts"
	}
	return "/admin/posts?" + v.Encode()
}

// writers are the usernames of the accounts that may write, for an
// editor's choice of one.
func (s *Server) writers(r *http.Request) ([]string, error) {
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range users {
		if account.Can(u, account.CreatePost, account.Site) {
			out = append(out, u.Username)
		}
	}
	return out, nil
}
