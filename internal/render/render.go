// Package render turns user-written Markdown or HTML into HTML that is safe to
// show in one particular place of a Quire page (a post body, a guest post, a
// comment, an author bio, a linkback excerpt).
//
// The pipeline is fixed (DESIGN.md convention 8) and runs once, at save time:
//
//  1. clean the source: drop NUL and the other characters XML 1.0 cannot carry,
//     replace invalid UTF-8 with U+FFFD;
//  2. Markdown → HTML with goldmark (raw HTML passes, step 4 decides on it);
//  3. parse with golang.org/x/net/html and render again, so that unbalanced
//     markup (an open <a> or <table>) is closed inside the fragment and cannot
//     swallow the rest of the page; dangerous subtrees (script, svg, math, …)
//     are removed whole; user id/name attributes are dropped;
//  4. bluemonday with the place's allow-list policy.
//
// Policies and goldmark instances are built once by New and are safe for
// concurrent use; nothing is global.
package render

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// Place names where user HTML ends up; each place has its own policy.
type Place int

// The places. Excerpt is also used for plain summaries of any content.
const (
	Post      Place = iota // a post body written by an author of the blog
	GuestPost              // a post body submitted by a guest (or accepted from one)
	Comment                // a reader's comment
	Bio                    // a profile or guest-byline bio
	Excerpt                // a linkback/webmention excerpt, plain summaries
)

// String names the place for logs and test names.
func (p Place) String() string {
	switch p {
	case Post:
		return "post"
	case GuestPost:
		return "guest_post"
	case Comment:
		return "comment"
	case Bio:
		return "bio"
	case Excerpt:
		return "excerpt"
	}
	return fmt.Sprintf("Place(%d)", int(p))
}

// numPlaces sizes the policy table; keep it after the last Place.
const numPlaces = int(Excerpt) + 1

// Places lists every place, for callers and tests that must cover them all.
func Places() []Place { return []Place{Post, GuestPost, Comment, Bio, Excerpt} }

// Format is the syntax a source is written in.
type Format string

// The accepted formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// ErrFormat is returned by Render for a format other than Markdown or HTML.
var ErrFormat = errors.New("render: invalid format")

// ErrPlace is returned by Render for a place it does not know.
var ErrPlace = errors.New("render: invalid place")

// Renderer holds the goldmark instances and one bluemonday policy per place.
// Build it once with New and share it: it is safe for concurrent use.
type Renderer struct {
	rich  goldmark.Markdown // posts and guest posts
	small goldmark.Markdown // comments, bios, excerpts
	pol   [numPlaces]*bluemonday.Policy
}

// New builds the Markdown converters and the policies. It is not cheap (the
// policies compile regular expressions), which is why it is called once at
// start-up and never per request.
func New() *Renderer {
	r := &Renderer{rich: newRichMarkdown(), small: newSmallMarkdown()}
	r.pol[Post] = postPolicy()
	r.pol[GuestPost] = postPolicy() // same allow-list; rel is forced in the tree pass
	r.pol[Comment] = commentPolicy()
	r.pol[Bio] = bioPolicy()
	r.pol[Excerpt] = excerptPolicy()
	return r
}

// Render turns src, written in format, into safe HTML for place.
// Invalid UTF-8 is repaired (each bad byte becomes U+FFFD) rather than
// refused, and NUL bytes are stripped, because both arrive from imports and
// linkbacks that the user cannot fix. It returns ErrFormat or ErrPlace for an
// unknown format or place, and the converter's error if Markdown fails.
func (r *Renderer) Render(place Place, format Format, src string) (string, error) {
	if !valid(place) {
		return "", ErrPlace
	}
	src = Clean(src)
	switch format {
	case HTML:
		return r.sanitize(place, src), nil
	case Markdown:
		md := r.small
		if place == Post || place == GuestPost {
			md = r.rich
		}
		var b strings.Builder
		b.Grow(len(src) + len(src)/4)
		if err := md.Convert([]byte(src), &b); err != nil {
			return "", fmt.Errorf("render: markdown: %w", err)
		}
		return r.sanitize(place, b.String()), nil
	}
	return "", ErrFormat
}

// Sanitize makes already-HTML safe for place: the same pipeline as Render
// without Markdown. An unknown place gets the Excerpt policy, the strictest,
// so that a programming error fails closed.
func (r *Renderer) Sanitize(place Place, html string) string {
	if !valid(place) {
		place = Excerpt
	}
	return r.sanitize(place, Clean(html))
}

// sanitize runs steps 3 and 4 of the pipeline on cleaned HTML.
func (r *Renderer) sanitize(place Place, html string) string {
	out := r.pol[place].Sanitize(balance(html, place))
	if place == Excerpt {
		// AddSpaceWhenStrippingTag leaves spaces at the ends of an excerpt.
		out = strings.TrimSpace(out)
	}
	return out
}

func valid(p Place) bool { return p >= Post && p <= Excerpt }

// Clean returns s as valid UTF-8 without NUL bytes and without the other
// characters that XML 1.0 cannot carry (C0 controls other than TAB, LF and
// CR; U+FFFE and U+FFFF). PostgreSQL refuses NUL in text, and the stored HTML
// goes into Atom and RSS feeds unchanged, where a stray \x01 would make the
// whole feed unparseable. Invalid UTF-8 bytes become U+FFFD.
func Clean(s string) string {
	if isClean(s) {
		return s // the common case allocates nothing
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		if !dropRune(c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if dropRune(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || dropRune(r) {
			return false
		}
		i += n
	}
	return true
}

func dropRune(c rune) bool {
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF
}
