package wxrimport

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/wxr"
)

// exportPage is how many posts the export reads at a time; a post's
// comments are read with it, so memory holds one page and one thread.
const exportPage = 100

// Site returns the WXR channel header of the blog at baseURL, with the
// title, tagline (WordPress's description) and language from the site
// settings.
func Site(ctx context.Context, db store.DB, baseURL string) wxr.Site {
	s, _ := store.SiteSettings(ctx, db) // defaults on error
	base := strings.TrimRight(baseURL, "/")
	return wxr.Site{Title: s.Title, Description: s.Tagline, Link: base, Language: s.Language,
		BaseSiteURL: base, BaseBlogURL: base, PubDate: time.Now().UTC()}
}

// Export writes the whole blog to w as WXR 1.2, as WordPress's importer
// reads it: the authors, categories and tags, then every post and page of
// every status with its terms, old slugs and all its comments, pingbacks
// and webmentions (every status, threads by wp:comment_parent). Bodies are
// the stored, sanitised HTML; dates are UTC, which the file gives as both
// the local and the GMT time. Uploaded images are not exported as
// attachments: posts link to them at this blog's address.
func Export(ctx context.Context, db store.DB, site wxr.Site, w io.Writer) error {
	wr, err := wxr.NewWriter(w, site)
	if err != nil {
		return err
	}
	authors, err := store.ExportAuthors(ctx, db)
	if err != nil {
		return err
	}
	for _, a := range authors {
		if err := wr.WriteAuthor(&wxr.Author{ID: a.ID, Login: a.Username, Email: a.Email, DisplayName: a.DisplayName}); err != nil {
			return err
		}
	}
	terms, err := store.AllTerms(ctx, db)
	if err != nil {
		return err
	}
	for _, t := range terms {
		if t.Kind == post.Category {
			err = wr.WriteCategory(&wxr.Category{TermID: t.ID, Nicename: t.Slug, Name: t.Name})
		} else {
			err = wr.WriteTag(&wxr.Tag{TermID: t.ID, Slug: t.Slug, Name: t.Name})
		}
		if err != nil {
			return err
		}
	}
	for after := int64(0); ; {
		ps, err := store.ExportPosts(ctx, db, after, exportPage)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			it, err := exportItem(ctx, db, site.BaseBlogURL, p)
			if err != nil {
				return err
			}
			if err := wr.WriteItem(it); err != nil {
				return err
			}
			after = p.ID
		}
	}
	return wr.Close()
}

func exportItem(ctx context.Context, db store.DB, base string, p store.ExportPost) (*wxr.Item, error) {
	date := p.PublishedAt
	if date.IsZero() {
		date = p.CreatedAt
	}
	date = date.UTC().Truncate(time.Second)
	it := &wxr.Item{ID: p.ID, Title: p.Title, Link: base + p.Path(), GUID: fmt.Sprintf("%s/?p=%d", base, p.ID),
		Creator: p.Author.Username, Content: p.BodyHTML, PostType: string(p.Kind), Status: wpStatus(p.Status),
		Name: p.Slug, CommentStatus: "open", PingStatus: "open", Sticky: p.Pinned, PostDate: date, PostDateGMT: date}
	if p.ExcerptSource != "" {
		it.Excerpt = p.ExcerptHTML
	}
	if p.Status == post.Draft || p.Status == post.Pending {
		it.PostDateGMT = time.Time{} // WordPress leaves an unpublished post's GMT date unset
	}
	switch p.CommentPolicy {
	case post.CommentsClosed:
		it.CommentStatus = "closed"
	case post.CommentsMembers:
		it.Meta = append(it.Meta, wxr.Meta{Key: metaPolicy, Value: string(p.CommentPolicy)})
	}
	for _, t := range p.Categories {
		it.Categories = append(it.Categories, wxr.ItemTerm{Domain: "category", Nicename: t.Slug, Name: t.Name})
	}
	for _, t := range p.Tags {
		it.Categories = append(it.Categories, wxr.ItemTerm{Domain: "post_tag", Nicename: t.Slug, Name: t.Name})
	}
	for _, s := range p.OldSlugs {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_old_slug", Value: s})
	}
	cs, err := store.ExportComments(ctx, db, p.ID)
	if err != nil {
		return nil, err
	}
	it.Comments = make([]wxr.Comment, len(cs))
	for i, c := range cs {
		it.Comments[i] = exportComment(c)
	}
	return it, nil
}

func exportComment(c store.ExportComment) wxr.Comment {
	at := c.CreatedAt.UTC().Truncate(time.Second)
	out := wxr.Comment{ID: c.ID, ParentID: c.ParentID, Author: c.AuthorName, AuthorEmail: c.AuthorEmail,
		AuthorURL: c.AuthorURL, AuthorIP: c.IP, Date: at, DateGMT: at, Content: c.BodyHTML,
		Approved: wpApproved(c.Status), Type: "comment", UserID: c.AuthorUserID}
	switch c.Kind {
	case comment.KindPingback:
		out.Type = "pingback"
		if c.WXRType == "trackback" {
			out.Type = "trackback"
		}
	case comment.KindWebmention:
		out.Type = "webmention"
	}
	if c.Kind.IsLinkback() {
		// WordPress shows a linkback's author as the linking page's title
		// and its author URL as the source.
		if c.Title != "" {
			out.Author = c.Title
		}
		if c.SourceURL != "" {
			out.AuthorURL = c.SourceURL
		}
	}
	return out
}
