package post

import (
	"html"
	"strings"

	"quire/internal/render"
)

// ExcerptChars is the length of an excerpt derived from the body.
const ExcerptChars = 280

// Render derives BodyHTML, BodyText and ExcerptHTML from the sources with
// the post policy of r. It runs on every save, so pages only ever show
// stored, sanitised HTML. An explicit excerpt is rendered like the body; an
// empty one is the body's first ExcerptChars characters of plain text,
// cut before it is escaped (never after).
func (p *Post) Render(r *render.Renderer) error {
	place := render.Post
	if p.Author.GuestID != 0 {
		place = render.GuestPost // a guest's links keep rel="nofollow ugc" through every edit
	}
	body, err := r.Render(place, render.Format(p.Format), p.BodySource)
	if err != nil {
		return err
	}
	p.BodyHTML = body
	p.BodyText = searchable(render.Text(body))
	if strings.TrimSpace(p.ExcerptSource) != "" {
		ex, err := r.Render(place, render.Format(p.Format), p.ExcerptSource)
		if err != nil {
			return err
		}
		p.ExcerptHTML = ex
		return nil
	}
	p.ExcerptHTML = ""
	t := LeadText(body, ExcerptChars)
	if t == "" {
		t = render.ExcerptText(html.EscapeString(p.BodyText), ExcerptChars)
	}
	if t != "" {
		p.ExcerptHTML = "<p>" + html.EscapeString(t) + "</p>"
	}
	return nil
}

// HighlightStart and HighlightStop delimit search matches in snippets. They
// are private-use characters, removed from BodyText, so a match marker can
// only come from the search engine.
const (
	HighlightStart = "\uE000"
	HighlightStop  = "\uE001"
)

// searchable collapses whitespace and drops the highlight markers.
func searchable(s string) string {
	s = strings.NewReplacer(HighlightStart, "", HighlightStop, "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// Excerpt returns p's excerpt as plain text of at most n characters, for
// meta descriptions.
func Excerpt(p *Post, n int) string {
	return render.ExcerptText(p.ExcerptHTML, n)
}
