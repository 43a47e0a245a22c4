package wxrimport

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/text"
	"quire/internal/wxr"
)

// item imports a post or page with its comments in one transaction; other
// post types are skipped with the reason.
func (r *run) item(ctx context.Context, it *wxr.Item) error {
	var kind post.Kind
	switch it.PostType {
	case "post":
		kind = post.KindPost
	case "page":
		kind = post.KindPage
	case "attachment":
		r.skipComments(it)
		if r.media == nil {
			r.rep.skip("attachment (files are not copied; posts keep linking to them where they are)")
			return nil
		}
		return r.attachment(ctx, it)
	default:
		r.rep.skip("item of type %q", it.PostType)
		r.skipComments(it)
		return nil
	}
	login := it.Creator
	if login == "" {
		login = "wordpress"
		r.rep.warn("item without an author: given to user %q", login)
	}
	authorID, err := r.author(ctx, &wxr.Author{Login: login})
	if err != nil {
		return err
	}
	if r.media != nil {
		// Only for a post this run will create: an imported post is never
		// changed, so its images need not be fetched. Read outside the
		// lock; a race with another run at worst copies an image early.
		_, done, err := store.ImportedPost(ctx, r.im.Store.Pool, r.source, it.ID)
		if err != nil {
			return err
		}
		if _, ok := postStatus(it.Status); ok && !done {
			if err := r.copyPostImages(ctx, it.Content, authorID); err != nil {
				return err
			}
		}
	}
	return r.im.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.LockImportSource(ctx, tx, r.source); err != nil {
			return err
		}
		id, done, err := store.ImportedPost(ctx, tx, r.source, it.ID)
		if err != nil {
			return err
		}
		switch {
		case done && id == 0:
			r.rep.skip("%s deleted in Quire after an earlier import (kept deleted, with its comments)", kind)
			r.skipComments(it)
			return nil
		case done:
			r.rep.Existing[string(kind)]++
		default:
			p, ok := r.post(it, kind, authorID)
			if !ok {
				r.skipComments(it)
				return nil
			}
			if err := r.insertPost(ctx, tx, it, p); err != nil {
				return err
			}
			id = p.ID
			r.rep.Imported[string(kind)]++
		}
		return r.comments(ctx, tx, id, it)
	})
}

// post builds the Quire post of it, rendered; ok is false (and the reason
// reported) when it cannot be imported.
func (r *run) post(it *wxr.Item, kind post.Kind, authorID int64) (*post.Post, bool) {
	st, ok := postStatus(it.Status)
	if !ok {
		r.rep.skip("%s with status %q", kind, it.Status)
		return nil, false
	}
	if string(st) != it.Status {
		r.rep.Statuses[it.Status+" → "+string(st)]++
	}
	if it.Password != "" && st != post.Draft && st != post.Trashed {
		// Quire has no password-protected posts: publishing one would show
		// what its author meant to keep behind the password.
		r.rep.warn("password-protected %s imported as a draft", kind)
		st = post.Draft
	}
	p := &post.Post{Kind: kind, AuthorID: authorID, Format: post.HTML, Status: st, CommentPolicy: post.CommentsOpen,
		Pinned: it.Sticky && kind == post.KindPost} // WordPress's sticky posts
	p.Title = text.Ellipsis(plain(it.Title), post.MaxTitle)
	if p.Title == "" {
		p.Title = "(no title)"
		r.rep.warn("%s without a title: titled %q", kind, p.Title)
	}
	p.Slug = slugFrom(it.Name, "")
	if it.CommentStatus == "closed" {
		p.CommentPolicy = post.CommentsClosed
	}
	for _, m := range it.Meta {
		if m.Key == metaPolicy && post.CommentPolicy(m.Value).Valid() {
			p.CommentPolicy = post.CommentPolicy(m.Value)
		}
	}
	date := it.PostDateGMT
	if date.IsZero() {
		date = it.PostDate
	}
	if st == post.Published || st == post.Scheduled {
		if date.IsZero() {
			date = time.Now()
			r.rep.warn("published %s without a date: dated now", kind)
		}
		p.Status, p.PublishedAt = post.Schedule(st, date, time.Now())
	}
	p.CreatedAt = date
	p.BodySource = r.content(it.Content, "post")
	if r.media != nil {
		// Before rendering, so the sanitiser sees our snippet like any other.
		p.BodySource = rewriteImages(p.BodySource, r.base, r.media.known, r.media.deps.Library.URL)
	}
	p.ExcerptSource = strings.TrimSpace(it.Excerpt)
	if utf8.RuneCountInString(p.ExcerptSource) > post.MaxExcerpt {
		p.ExcerptSource = text.Ellipsis(p.ExcerptSource, post.MaxExcerpt)
		r.rep.warn("excerpt longer than %d characters cut", post.MaxExcerpt)
	}
	p.Tags, p.Categories = r.terms(it)
	p.Normalize()
	if err := p.Validate(); err != nil {
		r.rep.skip("%s: %s", kind, fieldsOf(err))
		return nil, false
	}
	if err := p.Render(r.im.Render); err != nil {
		r.rep.skip("%s could not be rendered: %v", kind, err)
		return nil, false
	}
	return p, true
}

// content prepares WordPress HTML for the sanitiser: block comments go,
// classic paragraphs get their <p>, [caption] becomes a figure. Other
// shortcodes stay as text and are counted in the report.
func (r *run) content(s, place string) string {
	if needsAutop(s) {
		s = autop(s)
	} else {
		s = wxr.StripBlockComments(s)
	}
	s = wxr.ConvertKnownShortcodes(s)
	for _, name := range wxr.Shortcodes(s) {
		if place == "post" {
			r.rep.Shortcodes["["+name+"]"]++
		}
	}
	return s
}

// terms returns the item's tags and categories. WXR 1.0 repeats each
// category without attributes and names tags "tag"; both are understood.
func (r *run) terms(it *wxr.Item) (tags, cats []post.Term) {
	for _, c := range it.Categories {
		var k post.TermKind
		switch c.Domain {
		case "category", "":
			k = post.Category
		case "post_tag", "tag":
			k = post.Tag
		default:
			r.rep.skip("term of taxonomy %q on an item", c.Domain)
			continue
		}
		name := text.Ellipsis(plain(c.Name), 100)
		t := post.Term{Kind: k, Name: name, Slug: slugFrom(c.Nicename, name)}
		if t.Name == "" {
			t.Name = t.Slug
		}
		if t.Slug == "" || len(t.Slug) > post.MaxSlug {
			r.rep.skip("term %q without a usable slug", c.Name)
			continue
		}
		if k == post.Tag {
			tags = append(tags, t)
		} else {
			cats = append(cats, t)
		}
	}
	if n := len(tags) + len(cats); n > post.MaxTerms {
		r.rep.warn("more than %d terms on an item: the rest dropped", post.MaxTerms)
		if len(cats) > post.MaxTerms {
			cats = cats[:post.MaxTerms]
		}
		tags = tags[:post.MaxTerms-len(cats)]
	}
	return tags, cats
}

// insertPost writes p and what points at it: the import map, the old
// permalink's redirect and WordPress's old slugs.
func (r *run) insertPost(ctx context.Context, tx pgx.Tx, it *wxr.Item, p *post.Post) error {
	want := p.Slug
	if err := store.InsertImportedPost(ctx, tx, p, p.CreatedAt); err != nil {
		return err
	}
	if want != "" && p.Slug != want {
		r.rep.warn("slug taken by another post: a suffix was added")
	}
	if err := store.MapImportPost(ctx, tx, r.source, it.ID, p.ID, it.Sticky); err != nil {
		return err
	}
	if r.opt.OldBaseURL != "" {
		if path := oldPath(r.opt.OldBaseURL, it.Link); path != "" {
			if err := store.AddRedirect(ctx, tx, path, p.ID); err != nil {
				return err
			}
			r.rep.Imported["redirect"]++
		} else if it.Link != "" {
			r.rep.warn("permalink not under --old-base-url or the home page (?p=N): no redirect")
		}
	}
	for _, m := range it.Meta {
		if m.Key != "_wp_old_slug" {
			continue
		}
		if s := slugFrom(m.Value, ""); s != "" && s != p.Slug {
			if err := store.AddOldSlug(ctx, tx, p.Kind, s, p.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldsOf is a validation error's field messages on one line.
func fieldsOf(err error) string {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return apperr.MessageOf(err)
	}
	var parts []string
	for k, v := range e.Fields {
		parts = append(parts, k+": "+v)
	}
	return strings.Join(parts, "; ")
}

// metaPolicy is the postmeta in which the export keeps a comment policy
// WordPress cannot say (members only), so that a round trip keeps it.
const metaPolicy = "_quire_comment_policy"

// skipComments reports the comments of an item that is not imported.
func (r *run) skipComments(it *wxr.Item) {
	if n := len(it.Comments); n > 0 {
		r.rep.Skipped["comment of an item not imported"] += n
	}
}
