package render_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"quire/internal/render"
	"quire/internal/render/safetest"
)

func mustRender(t *testing.T, r *render.Renderer, p render.Place, f render.Format, src string) string {
	t.Helper()
	out, err := r.Render(p, f, src)
	if err != nil {
		t.Fatalf("Render(%v, %s, %q): %v", p, f, src, err)
	}
	safetest.AssertSafe(t, out)
	return out
}

// TestUnbalanced: whatever a fragment leaves open is closed inside it, so
// the page's own markup after it stays outside any <a> or <table>.
func TestUnbalanced(t *testing.T) {
	r := render.New()
	for _, tc := range []struct {
		place render.Place
		src   string
	}{
		{render.Comment, `<a href="https://example.com/">open link`},
		{render.Comment, `<p><a href="https://example.com/"><em>nested open`},
		{render.Post, `<table><tr><td>open cell`},
		{render.Post, `<table><tr><td><a href="/x">both`},
		{render.Post, "| a |\n|---|\n| <a href=\"/x\">b |"},
		{render.Comment, `</p></div></article></body><a href="/x">closing tags are ignored`},
		{render.Post, `<div><div><figure><figcaption>deep`},
	} {
		out := mustRender(t, r, tc.place, render.Markdown, tc.src)
		page := `<main>` + out + `</main><footer id="after">after</footer>`
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		footer := find(doc, "footer")
		if footer == nil {
			t.Fatalf("%q: footer swallowed: %s", tc.src, out)
		}
		for p := footer.Parent; p != nil; p = p.Parent {
			if p.Type == html.ElementNode && p.Data != "body" && p.Data != "html" {
				t.Errorf("%q: page footer ended up inside <%s>: %s", tc.src, p.Data, out)
			}
		}
	}
}

func find(n *html.Node, tag string) *html.Node {
	if n.Type == html.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

// TestCleanInput: NUL and XML-illegal controls go, bad UTF-8 is repaired.
func TestCleanInput(t *testing.T) {
	r := render.New()
	for _, tc := range []struct{ src, want string }{
		{"a\x00b", "ab"},
		{"<p>a\x00\x01\x0bb</p>", "<p>ab</p>"},
		{"a\xffb", "a\uFFFDb"},
		{"<p>caf\xc3</p>", "<p>caf\uFFFD</p>"},
		{"<p>tab\there</p>", "<p>tab\there</p>"},
		{"<a href=\"java\x00script:alert(1)\">x</a>", `<a rel="nofollow ugc noopener">x</a>`},
	} {
		if got := r.Sanitize(render.Comment, tc.src); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.src, got, tc.want)
		}
	}
	if got := render.Clean("ok ✓"); got != "ok ✓" {
		t.Errorf("Clean changed clean text: %q", got)
	}
}

func TestErrors(t *testing.T) {
	r := render.New()
	if _, err := r.Render(render.Post, "rst", "x"); !errors.Is(err, render.ErrFormat) {
		t.Errorf("bad format: err = %v, want ErrFormat", err)
	}
	if _, err := r.Render(render.Place(99), render.HTML, "x"); !errors.Is(err, render.ErrPlace) {
		t.Errorf("bad place: err = %v, want ErrPlace", err)
	}
	// An unknown place fails closed to the Excerpt policy.
	if got := r.Sanitize(render.Place(-1), `<p><img src="https://e.com/x.png">hi</p>`); got != "hi" {
		t.Errorf("Sanitize(bad place) = %q, want %q", got, "hi")
	}
}

// TestPlaces: each place's distinctive rules, Markdown and HTML.
func TestPlaces(t *testing.T) {
	r := render.New()
	for _, tc := range []struct {
		name  string
		place render.Place
		f     render.Format
		src   string
		want  []string // grammar items that must hold
		never []string // grammar items that must not
	}{
		{"comment md heading", render.Comment, render.Markdown, "# Big\n\nSetext\n===", []string{"p", "text:# Big", "text:Setext ==="}, []string{"h1", "h2"}},
		{"comment md image", render.Comment, render.Markdown, "![a cat](https://example.com/cat.png)", []string{"a[href=https://example.com/cat.png]", "text:a cat"}, []string{"img"}},
		{"comment html heading img", render.Comment, render.HTML, `<h2>Head</h2><img src="https://example.com/x.png"><table><tr><td>c</td></tr></table>`, []string{"text:Head c"}, []string{"h2", "img", "table", "td"}},
		{"comment md subset", render.Comment, render.Markdown, "*em* **strong** `code` ~~del~~\n\n> quote\n\n- one\n- two\n\n1. first", []string{"p>em", "p>strong", "p>code", "p>del", "blockquote>p", "ul>li", "ol>li"}, nil},
		{"comment md raw html", render.Comment, render.Markdown, "hi <b>bold</b> <iframe src=\"https://e.com\"></iframe><img src=x>", []string{"b", "text:hi bold"}, []string{"iframe", "img"}},
		{"comment rel", render.Comment, render.HTML, `<a href="https://e.com/" rel="me author">x</a>`, []string{"a[rel=nofollow ugc noopener]"}, nil},
		{"comment autolink rel", render.Comment, render.Markdown, "see https://example.com/x", []string{"a[href=https://example.com/x]", "a[rel=nofollow ugc noopener]"}, nil},
		{"guest rel", render.GuestPost, render.Markdown, "[x](https://e.com/)", []string{"a[rel=nofollow ugc]"}, nil},
		{"post keeps rel", render.Post, render.HTML, `<a href="https://e.com/" rel="me">x</a>`, []string{"a[rel=me]"}, nil},
		{"excerpt rel", render.Excerpt, render.HTML, `<p>a <a href="https://e.com/">x</a></p><p>b</p>`, []string{"a[rel=nofollow ugc]", "text:a x b"}, []string{"p"}},
		{"bio no lists", render.Bio, render.Markdown, "I write *Go*.\n\n- a\n- b", []string{"p>em", "text:a b"}, []string{"ul", "li"}},
		{"post md table", render.Post, render.Markdown, "| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"table>thead", "tr>th[align=left]", "tbody>tr", "tr>td[align=right]", "text:1 2"}, nil},
		{"post md fenced", render.Post, render.Markdown, "```go\nfmt.Println(\"<hi>\")\n```", []string{"pre>code[class=language-go]", `text:fmt.Println("<hi>")`}, nil},
		{"post md footnote", render.Post, render.Markdown, "Claim[^1].\n\n[^1]: Source.", []string{"sup>a[href=#user-content-fn:1]", "sup[id=user-content-fnref:1]", "li[id=user-content-fn:1]", "a[class=footnote-backref]", "text:Source."}, nil},
		{"post md autolink", render.Post, render.Markdown, "see https://example.com/x and www.example.org.", []string{"a[href=https://example.com/x]", "a[href=http://www.example.org]"}, nil},
		{"post md strike tasks", render.Post, render.Markdown, "~~old~~\n\n- [x] done\n- [ ] todo", []string{"del", "text:☑ done", "text:☐ todo"}, []string{"input"}},
		{"post h1 demoted", render.Post, render.Markdown, "# Part one\n\n## Detail", []string{"h2", "text:Part one"}, []string{"h1"}},
		{"post image", render.Post, render.Markdown, `![alt text](https://example.com/i.png "T")`, []string{"img[src=https://example.com/i.png]", "img[alt=alt text]"}, nil},
		{"post js link", render.Post, render.Markdown, "[x](javascript:alert(1)) <a href=\"vbscript:x\">y</a> ![d](data:image/png;base64,AAAA)", []string{"text:x y", "img[alt=d]"}, []string{"a[href=javascript:alert(1)]", "a[href=vbscript:x]", "img[src=data:image/png;base64,AAAA]"}},
		{"post user id", render.Post, render.HTML, `<p id="config" name="x">t</p><img name="cookie" src="/a.png"><sup id="user-content-fn:1">1</sup>`, []string{"p", "img[src=/a.png]", "sup[id=user-content-fn:1]"}, []string{"p[id=config]", "p[name=x]", "img[name=cookie]"}},
		// A prefixed id passes by design (it cannot clobber anything), and
		// only in posts.
		{"comment user-content id", render.Comment, render.HTML, `<sup id="user-content-fn:1">1</sup>`, []string{"sup"}, []string{"sup[id=user-content-fn:1]"}},
	} {
		out := mustRender(t, r, tc.place, tc.f, tc.src)
		for _, it := range tc.want {
			if err := check(out, it, false); err != nil {
				t.Errorf("%s: %v\noutput: %s", tc.name, err, out)
			}
		}
		for _, it := range tc.never {
			if check(out, it, false) == nil {
				t.Errorf("%s: %s survived: %s", tc.name, it, out)
			}
		}
	}
}

func TestIDPrefixAgrees(t *testing.T) {
	if render.IDPrefix != safetest.UserIDPrefix {
		t.Fatalf("render.IDPrefix %q != safetest.UserIDPrefix %q", render.IDPrefix, safetest.UserIDPrefix)
	}
}
