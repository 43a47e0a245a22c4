package wxrimport

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"quire/internal/store"
)

// imgRef is an image a post shows: its absolute URL and alt text.
type imgRef struct {
	URL, Alt string
}

// imageRefs lists the http(s) <img src> of body, resolved against base
// (WordPress writes absolute URLs, but a hand-edited post may say
// /wp-content/uploads/…), each once.
func imageRefs(body string, base *url.URL) []imgRef {
	var out []imgRef
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		if t.DataAtom != atom.Img {
			continue
		}
		if u := absURL(attr(t, "src"), base); u != "" && !seen[u] {
			seen[u] = true
			out = append(out, imgRef{URL: u, Alt: attr(t, "alt")})
		}
	}
}

// rewriteImages replaces each <img> whose image was copied with the
// responsive snippet the editor inserts (srcset of our variants, width and
// height, lazy), keeping its alt text, and points links to a copied image
// (WordPress links thumbnails to the full size) at our original. Everything
// else is passed through byte for byte. The result is still only source:
// the post is rendered (sanitised) after this.
func rewriteImages(body string, base *url.URL, lookup func(string) *store.Media, mediaURL func(string) string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		t := z.Token()
		switch t.DataAtom {
		case atom.Img:
			if m := lookup(absURL(attr(t, "src"), base)); m != nil {
				im := m.Image()
				im.Alt, im.Caption = attr(t, "alt"), ""
				b.WriteString(im.Snippet(mediaURL))
				continue
			}
		case atom.A:
			if m := lookup(absURL(attr(t, "href"), base)); m != nil {
				for i := range t.Attr {
					if t.Attr[i].Key == "href" {
						t.Attr[i].Val = mediaURL(m.Name)
					}
				}
				b.WriteString(t.String())
				continue
			}
		}
		b.Write(raw)
	}
}

// attr is the value of t's attribute key.
func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// absURL resolves ref against base and returns it if it is http(s), else "".
func absURL(ref string, base *url.URL) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	u.Fragment = ""
	return httpURL(u.String())
}

// sizeSuffix is WordPress's name for a resized copy: photo-300x200.jpg of
// photo.jpg (or of photo-scaled.jpg, the attachment of a big upload since
// WordPress 5.3).
var sizeSuffix = regexp.MustCompile(`-[0-9]{1,5}x[0-9]{1,5}(\.[A-Za-z0-9]{1,5})$`)

// originals are the URLs u may be a resized copy of, most likely first.
func originals(u string) []string {
	if !sizeSuffix.MatchString(u) || strings.Contains(u, "?") {
		return nil
	}
	loc := sizeSuffix.FindStringSubmatchIndex(u)
	stem, ext := u[:loc[0]], u[loc[2]:loc[3]]
	return []string{stem + ext, stem + "-scaled" + ext}
}

// known returns the copy of u or of the original u is a resized copy of.
func (mr *mediaRun) known(u string) *store.Media {
	if u == "" {
		return nil
	}
	if c := mr.done[u]; c != nil && c.m != nil {
		return c.m
	}
	for _, o := range originals(u) {
		if c := mr.done[o]; c != nil && c.m != nil {
			return c.m
		}
	}
	return nil
}

// copyPostImages copies the images body shows, before the post's
// transaction (downloads must not hold the import lock), so that
// rewriteImages finds them. A resized copy whose original is an attachment
// of the file, or was copied already, is taken as that original: one
// upload, with our own variants, instead of one per size.
func (r *run) copyPostImages(ctx context.Context, body string, authorID int64) error {
	for _, ref := range imageRefs(body, r.base) {
		target := ref.URL
		for _, o := range originals(ref.URL) {
			if r.media.attachments[o] || r.media.known(o) != nil {
				target = o
				break
			}
		}
		m, err := r.copyImage(ctx, target, authorID, ref.Alt, "")
		if err != nil {
			return err
		}
		if target != ref.URL {
			// The resized copy's URL shares the original's outcome, so the
			// rewrite finds it and it is never fetched on its own.
			r.media.done[ref.URL] = &copied{m: m}
		}
	}
	return nil
}
