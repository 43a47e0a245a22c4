package post

import (
	"strings"
	"testing"

	"quire/internal/render"
)

// TestDerivedExcerpt: the derived excerpt is the opening prose, whole
// sentences, never a heading, a list, a table, code or a lead-in colon.
func TestDerivedExcerpt(t *testing.T) {
	long := strings.Repeat("A sentence of eight words that goes on. ", 12)
	tests := []struct {
		name, src, want string
	}{
		{"first paragraph", "First paragraph, long enough to stand alone on a card because it keeps going for more than one hundred and twenty characters.\n\nSecond.", "First paragraph, long enough to stand alone on a card because it keeps going for more than one hundred and twenty characters."},
		{"heading skipped", "# A heading\n\n## Another\n\nThe prose.", "The prose."},
		{"short paragraphs joined", "The third loaf rose.\n\nFollow-up to week one.", "The third loaf rose. Follow-up to week one."},
		{"code lead-in dropped", "We start. Then the oven goes on with code:\n\n```\nbake(220)\n```\n\nDone. Bake at 220.", "We start."},
		{"task list skipped", "- [x] one method\n- [ ] twelve methods\n\nThe bigger the interface, the weaker the abstraction.", "The bigger the interface, the weaker the abstraction."},
		{"list before prose", "1. step\n2. step\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter the table.", "After the table."},
		{"quote skipped", "> Someone else's words.\n\nMine.", "Mine."},
		{"footnote markers dropped", "Intro text.[^1]\n\n```\ncode()\n```\n\nMore words.\n\n[^1]: note", "Intro text."},
		{"cut at a sentence", long, strings.TrimSpace(strings.Repeat("A sentence of eight words that goes on. ", 7))},
		{"abbreviations do not end sentences", "Use io.Reader, e.g. for files, sockets and anything else that streams bytes from one place to another without holding them all. " + strings.Repeat("More ", 60),
			"Use io.Reader, e.g. for files, sockets and anything else that streams bytes from one place to another without holding them all."},
		{"no sentence end: word cut", strings.Repeat("word ", 80), strings.TrimSpace(strings.Repeat("word ", 55)) + " word…"},
		{"text that looks like a tag", "Write `<b>` for bold, or &lt;i&gt; for italics.", "Write <b> for bold, or <i> for italics."},
		{"no prose: body text", "## Only\n\n- a list", "Only a list"},
	}
	r := render.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Post{Format: Markdown, BodySource: tt.src}
			if err := p.Render(r); err != nil {
				t.Fatal(err)
			}
			got := render.Text(p.ExcerptHTML)
			if got != tt.want {
				t.Errorf("excerpt\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestOwnExcerptWins: an excerpt the author wrote is used as written.
func TestOwnExcerptWins(t *testing.T) {
	p := &Post{Format: Markdown, BodySource: "Body prose.", ExcerptSource: "My *own* summary."}
	if err := p.Render(render.New()); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(p.ExcerptHTML) != "<p>My <em>own</em> summary.</p>" {
		t.Errorf("got %q", p.ExcerptHTML)
	}
}
