package commenting

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quire/internal/render"
)

// samePipeline fails t unless plainHTML either declines src or returns
// exactly what the comment pipeline makes of it, with no links in it.
func samePipeline(t *testing.T, r *render.Renderer, src string) bool {
	t.Helper()
	got, ok := plainHTML(src)
	if !ok {
		return false
	}
	want, err := r.Render(render.Comment, render.Markdown, src)
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	if got != want {
		t.Errorf("plainHTML(%q)\n got %q\nwant %q", src, got, want)
	}
	if links := render.Links(want); len(links) != 0 {
		t.Errorf("plainHTML(%q) took a body with links %q", src, links)
	}
	return true
}

// TestPlainHTMLMatchesRender: for every body plainHTML takes, its HTML is
// byte for byte the pipeline's (render.Render for render.Comment) and has
// no links. Bodies: the shared hostile and benign HTML payloads, each
// also cut into its lines and words; hand-picked edge cases; and 30,000
// random bodies drawn from the characters plainHTML allows mixed with
// the ones Markdown, linkify and HTML react to.
func TestPlainHTMLMatchesRender(t *testing.T) {
	r := render.New()
	plain := []string{
		"Great post, thanks for writing it!",
		"Comment tpjuddc0-1010: leaf count measure reader test post slow answer certainly machine thread.",
		"I disagree.\nThe figures say otherwise (see the second table).\n\nStill: it's a \"fair\" point; thanks!",
		"Très bien écrit, merci. Ça marche très bien chez moi 2 fois sur 3.",
		"日本語のコメント",
		"Two\n\n\n\nparagraphs",
	}
	for _, s := range plain {
		if !samePipeline(t, r, s) {
			t.Errorf("plainHTML declined plain prose %q", s)
		}
	}
	edge := []string{
		"", " a", "a ", "a\tb", "a\r\nb", "a\rb", "\na", "a\n", "a\n \nb", "a  \nb", "a\\\nb", "1. a", "1) a", "a\n1. b",
		"- a", "a\n- b", "a\n---", "a\n===", "# a", "> a", "a <b>", "a &amp; b", "a & b", "a *b*", "a _b_", "a `b`",
		"a ~~b~~", "a [b](c)", "www.example.com", "see WWW.example.com", "a http://x.y", "a http:x", "mail me@x.y", "a:b:c",
		"example.com", "a.b.c", "a\u00a0b", "a\u2028b", "a\u0301", "a\ufffd", "a\xffb", "\u00e9t\u00e9", "a\x00b", "a\x01b",
		"a\u200bb", "ǅa", "a (b) c? d! e; f: g, h. i' j\" k-l", "a--b", "a -- b", "a...", "A:\n\nB", "x\n\n", "a\u202eb",
		"Ω≈ç", "a>b", "a=b", "a|b", "a+b", "a'b'c", "\"a\"", "a\n\"b\"", "a\n'b'", "a\n(b)",
	}
	for _, s := range edge {
		samePipeline(t, r, s)
	}
	took := 0
	for _, s := range sharedPayloads(t) {
		for _, v := range append(append([]string{s}, strings.Split(s, "\n")...), strings.Fields(s)...) {
			if samePipeline(t, r, v) {
				took++
			}
		}
	}
	// Mostly pieces plainHTML allows, so that many bodies reach the
	// comparison, and now and then one that Markdown or HTML reacts to.
	plainPieces := []string{"a", "b", "Z", "é", "日", "1", "9", " ", " ", " ", "\n", "\n\n", ".", ",", ";", ":", "?", "!", "(",
		")", "'", "\"", "-", "--", "word", "Word", "words here", "http", "www", "w.", "1.", "2)", "e-mail"}
	otherPieces := []string{"/", "@", "<", ">", "&", "*", "_", "`", "[", "]", "#", "~", "\\", "\t", "\r", "www.", "http://",
		"https:", "1. ", "- ", "> ", "    ", "\u00a0", "\u0301", "=", "|", "+", "\ufffd", "\xff", "\x01"}
	rng := rand.New(rand.NewPCG(16, 4))
	for range 30000 {
		var b strings.Builder
		for n := 1 + rng.IntN(16); n > 0; n-- {
			if rng.IntN(40) == 0 {
				b.WriteString(otherPieces[rng.IntN(len(otherPieces))])
			} else {
				b.WriteString(plainPieces[rng.IntN(len(plainPieces))])
			}
		}
		if samePipeline(t, r, b.String()) {
			took++
		}
	}
	if took < 1000 {
		t.Errorf("plainHTML took only %d of the generated and shared bodies: the comparison proves little", took)
	}
	t.Logf("plainHTML took %d bodies", took)
}

// FuzzPlainHTML: whatever the body, plainHTML declines it or agrees with
// the pipeline.
func FuzzPlainHTML(f *testing.F) {
	for _, s := range []string{"Plain words.", "a\n\nb", "it's \"x\"", "a\nb (c)", "www.x.y", "a: b", "é"} {
		f.Add(s)
	}
	r := render.New()
	f.Fuzz(func(t *testing.T, s string) { samePipeline(t, r, s) })
}

// sharedPayloads reads the payloads and benign HTML of ../shared/testdata
// (beside the repository), skipping when it is absent, failing under
// CI=true.
func sharedPayloads(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "testdata")
	var out []string
	for _, f := range []struct{ name, field string }{{"xss-vectors.json", "payload"}, {"benign-html.json", "html"}} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("shared test data: %v", err)
			}
			t.Skipf("no shared test data: %v", err)
		}
		var rows []map[string]string
		if err := json.Unmarshal(b, &rows); err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			out = append(out, row[f.field], row["must_keep"])
		}
	}
	return out
}

// BenchmarkRenderBody: a comment like the bench kit's (one line of
// prose) through renderBody (plainHTML) and through the pipeline it
// replaces for such bodies (render.Render, then render.Links).
func BenchmarkRenderBody(b *testing.B) {
	r := render.New()
	src := "Comment tpjuddc0-1010: leaf count measure reader test post slow answer certainly machine thread meanwhile reply page the post although figure path branch index leaf."
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, _, err := renderBody(r, src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pipeline", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			h, err := r.Render(render.Comment, render.Markdown, src)
			if err != nil {
				b.Fatal(err)
			}
			_ = render.Links(h)
		}
	})
}
