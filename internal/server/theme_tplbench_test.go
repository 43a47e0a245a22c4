package server

import (
	"fmt"
	"testing"
	"time"

	"quire/internal/comment"
	"quire/internal/post"
	"quire/web"
)

// BenchmarkPostTemplate200 renders the post page's template alone (no
// database) with a thread of 200 comments: the CPU the theme costs.
func BenchmarkPostTemplate200(b *testing.B) {
	t, err := LoadTemplates(web.FS)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	flat := make([]comment.Comment, 200)
	for i := range flat {
		c := &flat[i]
		c.ID, c.Kind, c.AuthorName, c.CreatedAt = int64(i+1), comment.KindComment, fmt.Sprintf("Reader %d", i%30), now.Add(-time.Duration(200-i)*time.Minute)
		c.BodyHTML = fmt.Sprintf("<p>Comment number %d, with <em>some</em> text.</p>", i)
		if i%3 != 0 {
			c.ParentID, c.Depth, c.Path = comment.Attach(&flat[i-1], comment.MaxMaxDepth)
		}
		c.Path = comment.ChildPath(c.Path, c.ID)
	}
	p := &post.Post{ID: 1, Title: "Busy post", Slug: "busy", BodyHTML: "<p>Body.</p>", PublishedAt: now, Author: post.Byline{Username: "ann"}}
	v := &commentsView{PostID: 1, PostPath: p.Path(), Count: 200, Page: 1, Pages: 1}
	v.Items = v.items(comment.BuildThread(flat), now)
	pp := postPage{Page: Page{Title: p.Title, Site: Site{Title: "Blog"}}, Post: p, Comments: v}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.Render("post", pp); err != nil {
			b.Fatal(err)
		}
	}
}
