package server

import (
	"html/template"
	"strconv"

	"quire/internal/post"
)

// A post page's article above its comments (the header and byline, the
// body, the guest box, the terms, the adjacent posts) is about seventy
// template actions, each a reflective field lookup and an escaper:
// a fifth of an uncached view's CPU, and the same bytes for every view
// of the post until the post, its terms, its neighbours, its comment
// count or the date style change. An uncached view is not rare on a busy
// post: every approved comment empties the page cache for it, remembered
// commenters and signed-in readers bypass that cache altogether.
//
// articleHTML renders the built-in "article" partial once for each set
// of what it reads, written out in full as its key (articleKey): a
// function of its key, so nothing to invalidate, on any node, and no
// collision to reason about; an edited post is a new key and the old one
// ages out of the bounded memo. TestArticleKeyCoversPartial changes every
// field of a page one at a time and fails when the partial's bytes change
// but the key does not.
//
// A theme may read any field from its own post page, "article" partial
// or the partials "article" calls (postcard.html's avatar and terms,
// guestbox.html): with any of those the partial is rendered on every
// view (Templates.articleOwn).

// articleMemoBytes bounds the memo: an entry is about twice its post's
// body (the body is in the key and in the article).
const articleMemoBytes = 8 << 20

// articleOwnFiles are the theme files that turn the memo off.
var articleOwnFiles = []string{"templates/pages/post.html", "templates/partials/article.html",
	"templates/partials/postcard.html", "templates/partials/guestbox.html"}

// articleHTML is the "article" partial for post page pp. Only public
// posts (those with a thread) are kept: a preview or a draft is shown to
// its editors alone, often once per version.
func (t *Templates) articleHTML(pp postPage) (template.HTML, error) {
	if t.articleOwn || t.articles == nil || pp.Post == nil || pp.Comments == nil {
		return t.renderArticle(pp)
	}
	z := t.style()
	return memoized(t.articles, articleKey(pp, z), func() (template.HTML, error) { return t.renderArticle(pp) },
		func() bool { return *t.style() == *z }) // not kept when the settings changed the style during the rendering
}

func (t *Templates) renderArticle(pp postPage) (template.HTML, error) {
	return t.renderPartial("article", pp)
}

// articleKey writes out what the built-in partial and the partials it
// calls read of pp, and the date style its dates are written in; each
// value after its length (memoKey), an absent one as "-".
func articleKey(pp postPage, z *dateStyle) string {
	p := pp.Post
	k := memoKey{b: make([]byte, 0, len(p.BodyHTML)+len(p.ExcerptHTML)+1024)}
	k.put(z.loc.String()) // a name from the tz database (site.Settings.Location): one zone each
	k.put(z.layout)
	k.put(strconv.FormatBool(pp.CanEdit))
	k.put(pp.URL)
	k.put(strconv.FormatInt(p.ID, 10))
	k.put(p.Path())
	k.put(p.Title)
	k.put(p.ExcerptSource)
	k.put(p.ExcerptHTML)
	k.put(p.BodyHTML)
	if p.PublishedAt.IsZero() {
		k.put("-")
	} else {
		k.put(strconv.FormatInt(p.PublishedAt.UnixNano(), 10))
	}
	a := p.Author
	k.put(a.AvatarURL)
	k.put(strconv.FormatInt(a.GuestID, 10))
	k.put(a.Name())
	k.put(a.Path())
	for _, terms := range [][]post.Term{p.Categories, p.Tags} {
		k.put(strconv.Itoa(len(terms)))
		for _, tm := range terms {
			k.put(tm.Path())
			k.put(tm.Name)
		}
	}
	k.put(strconv.Itoa(pp.Glance.Minutes))
	if c := pp.Comments; c == nil {
		k.put("-")
	} else {
		k.put(strconv.Itoa(c.Count))
	}
	if g := pp.Guest; g == nil {
		k.put("-")
	} else {
		k.put(g.IntroHTML)
		k.put(g.Guest.Path())
		k.put(g.Guest.Name)
		k.put(g.Guest.BioHTML)
		k.put(g.Guest.Website)
		k.put(g.Guest.WebsiteRel())
	}
	k.put(strconv.Itoa(len(pp.TOC)))
	for _, h := range pp.TOC {
		k.put(strconv.Itoa(h.Level))
		k.put(h.ID)
		k.put(h.Text)
	}
	for _, n := range []*post.Post{pp.Newer, pp.Older} {
		if n == nil {
			k.put("-")
			continue
		}
		k.put(n.Path())
		k.put(n.Title)
	}
	return k.String()
}
