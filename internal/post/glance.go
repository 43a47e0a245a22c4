package post

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Image is a picture that stands for a post on lists and in social cards.
// Its fields come from sanitised body HTML (the post policy checked src and
// srcset), so they are safe to put back into attributes.
type Image struct {
	Src, SrcSet, Alt string
	Width, Height    string // as written; "" when the body gave none
}

// Glance is what a list shows of a post besides its excerpt.
type Glance struct {
	Words   int
	Minutes int    // reading time at 230 words a minute, at least 1
	Image   *Image // the first image of the body, or nil
}

// wordsPerMinute is an adult's silent reading speed for prose.
const wordsPerMinute = 230

// GlanceAt reads sanitised body HTML once with a tokenizer (no tree) and
// returns its word count, reading time and first image. Text inside pre
// counts like prose: code is read too, only slower.
func GlanceAt(bodyHTML string) Glance {
	var g Glance
	z := html.NewTokenizer(strings.NewReader(bodyHTML))
	for {
		switch z.Next() {
		case html.ErrorToken:
			g.Minutes = max(1, (g.Words+wordsPerMinute/2)/wordsPerMinute)
			return g
		case html.TextToken:
			g.Words += len(strings.Fields(string(z.Text())))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if g.Image != nil || atom.Lookup(name) != atom.Img || !hasAttr {
				continue
			}
			img := &Image{}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "src":
					img.Src = string(v)
				case "srcset":
					img.SrcSet = string(v)
				case "alt":
					img.Alt = string(v)
				case "width":
					img.Width = string(v)
				case "height":
					img.Height = string(v)
				}
			}
			if img.Src != "" {
				g.Image = img
			}
		}
	}
}

// Heading is one entry of a post's table of contents.
type Heading struct {
	ID, Text string
	Level    int // 2 or 3
}

// Contents returns the h2 and h3 headings of sanitised body HTML that carry
// an id (the renderer gives them one), or nil when there are fewer than
// three: a short post needs no table of contents.
func Contents(bodyHTML string) []Heading {
	var out []Heading
	z := html.NewTokenizer(strings.NewReader(bodyHTML))
	var cur *Heading
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			if len(out) < 3 {
				return nil
			}
			return out
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if cur != nil || (a != atom.H2 && a != atom.H3) || !hasAttr {
				continue
			}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "id" {
					cur = &Heading{ID: string(v), Level: 2}
					if a == atom.H3 {
						cur.Level = 3
					}
				}
			}
			text.Reset()
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); cur != nil && (a == atom.H2 || a == atom.H3) {
				cur.Text = strings.Join(strings.Fields(text.String()), " ")
				if cur.Text != "" {
					out = append(out, *cur)
				}
				cur = nil
			}
		}
	}
}
