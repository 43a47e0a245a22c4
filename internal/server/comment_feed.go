package server

import (
	"bytes"
	"cmp"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/comment"
	"quire/internal/feed"
	"quire/internal/pagecache"
	"quire/internal/post"
	"quire/internal/reading"
)

func (s *Server) postCommentsFeed(ff feedFormat) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, cs, err := s.reading.PostComments(r.Context(), chi.URLParam(r, "slug"), feedLength)
		if err != nil {
			return err
		}
		setCacheScope(r.Context(), p.ID)
		return s.serveCommentFeed(w, r, ff, cs, "Comments on “"+p.Title+"”", p.Path()+"/comments", p.Path())
	}
}

func (s *Server) recentCommentsFeed(ff feedFormat) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		setCacheScope(r.Context(), pagecache.ScopeComments)
		cs, err := s.reading.RecentComments(r.Context(), feedLength)
		if err != nil {
			return err
		}
		return s.serveCommentFeed(w, r, ff, cs, "Recent comments · "+s.siteInfo(r.Context()).Title, "/comments/feed", "/")
	}
}

// serveCommentFeed writes comments newest first; in Atom each entry says
// what it replies to (RFC 4685): its parent comment, or the post.
func (s *Server) serveCommentFeed(w http.ResponseWriter, r *http.Request, ff feedFormat, cs []reading.RecentComment, title, prefix, htmlPath string) error {
	fd := &feed.Feed{ID: s.abs(prefix + ".atom"), Title: title, SelfURL: s.abs(prefix + ".atom"), HTMLURL: s.abs(htmlPath)}
	ctype := "application/atom+xml; charset=utf-8"
	if ff == feedRSS {
		fd.SelfURL, ctype = s.abs(prefix+".rss"), "application/rss+xml; charset=utf-8"
	}
	replies := make([]feed.InReplyTo, len(cs))
	for i, c := range cs {
		postPath := (&post.Post{Slug: c.PostSlug}).Path()
		e := feed.Entry{
			ID: s.commentURL(c.ID), Title: commentTitle(&c.Comment.Comment, c.PostTitle), URL: s.commentURL(c.ID),
			AuthorName: c.DisplayName(), AuthorURL: c.AuthorURL, Published: c.CreatedAt, Updated: c.CreatedAt,
			ContentHTML: feedHTML(c.BodyHTML, s.abs(postPath)),
		}
		if !c.UpdatedAt.IsZero() {
			e.Updated = c.UpdatedAt
		}
		if c.Kind.IsLinkback() {
			// The entry carries the excerpt the thread shows (sanitised when
			// it was verified), or at least the link, never nothing.
			e.AuthorURL = c.SourceURL
			if strings.TrimSpace(e.ContentHTML) == "" {
				e.ContentHTML = `<p><a href="` + html.EscapeString(c.SourceURL) + `" rel="nofollow ugc">` +
					html.EscapeString(cmp.Or(c.Title, c.SourceURL)) + `</a></p>`
			}
		}
		fd.Entries = append(fd.Entries, e)
		if c.ParentID != 0 {
			replies[i] = feed.InReplyTo{Ref: s.commentURL(c.ParentID), Href: s.commentURL(c.ParentID)}
		} else {
			replies[i] = feed.InReplyTo{Ref: feed.TagURI(s.host(), c.PostCreated, c.PostID), Href: s.abs(postPath)}
		}
	}
	fd.Updated = feed.LastUpdated(fd.Entries)
	var b bytes.Buffer
	var err error
	if ff == feedRSS {
		err = feed.WriteRSS(&b, fd)
	} else {
		err = feed.WriteCommentsAtom(&b, fd, replies)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=300")
	serveBytes(w, r, b.Bytes(), fd.Updated)
	return nil
}

// commentURL is a comment's permanent address, which lands on the right
// page of its post.
func (s *Server) commentURL(id int64) string { return s.abs("/comments/" + strconv.FormatInt(id, 10)) }

func commentTitle(c *comment.Comment, postTitle string) string {
	switch c.Kind {
	case comment.KindPingback:
		return "Pingback on “" + postTitle + "”: " + c.Title
	case comment.KindWebmention:
		return "Mention of “" + postTitle + "”: " + c.Title
	}
	return "Comment on “" + postTitle + "” by " + c.DisplayName()
}
