package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"quire/internal/apperr"
	"quire/internal/guestposting"
	"quire/internal/post"
)

// postPage is the data of a post's page, and of the editor's preview.
type postPage struct {
	Page
	Post         *post.Post
	URL          string // absolute permalink
	Older, Newer *post.Post
	Notice       string            // shown above unpublished posts and previews
	CanEdit      bool              // the reader may edit it: show an Edit link
	Comments     *commentsView     // the thread and form (comments.go); nil in previews
	Guest        *guestposting.Box // Guest posts: the editor's note and the bio box (guest_author.go)
	Glance       post.Glance       // reading time and lead image
	TOC          []post.Heading    // the table of contents of a long post, or nil
	JSONLD       *blogPosting      // schema.org BlogPosting, written as JSON by html/template
}

// Thread is the comments partial's data: Comments, whose list of threads
// is rendered through the caches (comment_render.go).
func (pp postPage) Thread() *commentsView { return pp.Comments }

func (s *Server) postPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug := chi.URLParam(r, "slug")
	p, older, newer, moved, err := s.reading.PostPage(ctx, slug)
	if err != nil {
		return err
	}
	if moved != "" {
		// A slug the post had before answers 301 to the current one.
		http.Redirect(w, r, "/posts/"+moved, http.StatusMovedPermanently)
		return nil
	}
	now := s.now()
	u := userFrom(ctx)
	if p.Status == post.Trashed && !post.CanEdit(u, p) {
		return s.postGone(w, r) // Linkbacks: 410 withdraws its webmentions
	}
	if !post.CanRead(u, p, now) {
		return apperr.ErrNotFound // an unpublished post does not exist for readers
	}
	p.BodyHTML = s.responsive(ctx, p.BodyHTML) // library images get srcset (theme_data.go)
	pp := s.postData(r, p)
	pp.CanEdit = post.CanEdit(u, p)
	if pp.Guest, err = s.guestBox(r, p); err != nil {
		return err
	}
	if p.Public(now) {
		setCacheScope(ctx, p.ID) // the page cache drops it when this thread changes
		if pp.Comments, err = s.commentsFor(r, p); err != nil {
			return err
		}
		if pp.Comments.Moderator && flashIn(ctx) == "comments" {
			pp.Comments.Flash, pp.Flash = pp.Flash, "" // beside the comment acted on, not at the top
		}
		pp.Feeds = append(pp.Feeds, FeedLink{"application/atom+xml", "Comments on this post (Atom)", pp.Comments.FeedAtom},
			FeedLink{"application/rss+xml", "Comments on this post (RSS)", pp.Comments.FeedRSS})
		pp.Older, pp.Newer = older, newer
		s.advertiseLinkbacks(w, &pp.Page) // Linkbacks: X-Pingback, Link rel=webmention
		// renderPublic loads the look again; a theme swapped in between
		// renders this one page's comments with the look before.
		pp.Comments.frags, pp.Comments.tpl = s.frags, s.tpl()
		return s.renderPublic(w, r, "post", pp)
	}
	pp.NoIndex = true
	pp.Notice = "This post is not public (" + p.Status.Label() + "). Only its author and editors can see it."
	w.Header().Set("Cache-Control", "private, no-store")
	return s.render(w, r, http.StatusOK, "post", pp)
}

// postData fills the page data common to the post page and the preview:
// canonical link, OpenGraph and Twitter card, feeds.
func (s *Server) postData(r *http.Request, p *post.Post) postPage {
	pp := postPage{Page: s.page(r, p.Title), Post: p, URL: s.abs(p.Path())}
	pp.Canonical = pp.URL
	pp.Description = post.Excerpt(p, 200)
	pp.OG = map[string]string{
		"og:type":        "article",
		"og:title":       p.Title,
		"og:url":         pp.URL,
		"og:site_name":   pp.Site.Title,
		"og:description": pp.Description,
		"twitter:card":   "summary",
		"twitter:title":  p.Title,
	}
	if !p.PublishedAt.IsZero() {
		pp.OG["article:published_time"] = p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	if p.Author.GuestID == 0 { // guests have a page but no feed
		pp.Feeds = append(pp.Feeds, FeedLink{"application/atom+xml", p.Author.Name() + " (Atom)", p.Author.Path() + "/feed.atom"},
			FeedLink{"application/rss+xml", p.Author.Name() + " (RSS)", p.Author.Path() + "/feed.rss"})
	}
	facts := s.tpl().facts.of(p.BodyHTML)
	pp.Glance = facts.glance
	if p.FeaturedID != 0 {
		if img := s.featuredImages(r.Context(), []int64{p.ID})[p.ID]; img != nil {
			pp.Glance.Image = img // the social cards and JSON-LD use the featured image first
		}
	}
	pp.TOC = facts.toc
	s.socialCard(&pp)
	return pp
}
