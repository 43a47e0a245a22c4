package post

import (
	"strings"
	"testing"
	"time"

	"quire/internal/apperr"
	"quire/internal/render"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"  Déjà vu  über Straße ", "deja-vu-uber-strasse"},
		{"Don't panic", "dont-panic"},
		{"Ærø & Łódź", "aero-and-lodz"},
		{"C++ in 2026: a retrospective", "c-in-2026-a-retrospective"},
		{"---", ""},
		{"日本語", ""},
		{"ﬁne ｆｕｌｌｗｉｄｔｈ", "fine-fullwidth"},
		{strings.Repeat("word ", 40), strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
	}
	for _, tt := range tests {
		got := Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", tt.in, got)
		}
	}
	if s := Slugify(strings.Repeat("a", 200)); len(s) != MaxSlug || !ValidSlug(s) {
		t.Errorf("long word: %q", s)
	}
}

func TestValidate(t *testing.T) {
	ok := Post{Title: "T", Format: Markdown, Status: Draft, CommentPolicy: CommentsOpen, Kind: KindPost}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid post: %v", err)
	}
	tests := []struct {
		field string
		edit  func(p *Post)
	}{
		{"title", func(p *Post) { p.Title = "" }},
		{"title", func(p *Post) { p.Title = strings.Repeat("x", 301) }},
		{"slug", func(p *Post) { p.Slug = "Bad Slug" }},
		{"slug", func(p *Post) { p.Slug = "a--b" }},
		{"format", func(p *Post) { p.Format = "rst" }},
		{"body", func(p *Post) { p.BodySource = strings.Repeat("x", MaxBody+1) }},
		{"excerpt", func(p *Post) { p.ExcerptSource = strings.Repeat("é", 2001) }},
		{"status", func(p *Post) { p.Status = "live" }},
		{"published_at", func(p *Post) { p.Status = Published }},
		{"comment_policy", func(p *Post) { p.CommentPolicy = "friends" }},
		{"tags", func(p *Post) { p.Tags = []Term{{Kind: Tag, Name: "!!", Slug: ""}} }},
		{"categories", func(p *Post) { p.Categories = []Term{{Kind: Category, Name: strings.Repeat("n", 101), Slug: "n"}} }},
	}
	for _, tt := range tests {
		p := ok
		tt.edit(&p)
		e, isApp := apperr.As(p.Validate())
		if !isApp || e.Code != apperr.Invalid || e.Fields[tt.field] == "" {
			t.Errorf("%s: got %v", tt.field, e)
		}
	}
}

func TestNormalizeAndTerms(t *testing.T) {
	p := Post{Title: "  T  ", Tags: ParseTerms(Tag, "Go, go ,  Post­greSQL,, Data  Bases")}
	p.Normalize()
	if p.Title != "T" || p.Kind != KindPost || p.Format != Markdown || p.Status != Draft || p.CommentPolicy != CommentsOpen {
		t.Errorf("defaults: %+v", p)
	}
	if got := JoinTerms(p.Tags); got != "Go, Post­greSQL, Data Bases" {
		t.Errorf("tags = %q", got)
	}
	if p.Tags[2].Slug != "data-bases" {
		t.Errorf("slug = %q", p.Tags[2].Slug)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 1, 2, 3, 456789000, time.UTC)
	for _, c := range []Cursor{{At: at, ID: 42}, {At: at, ID: 1, Before: true}, {ID: 99}} {
		got, err := ParseCursor(c.String())
		if err != nil || got.ID != c.ID || got.Before != c.Before || !got.At.Equal(c.At) {
			t.Errorf("round trip %+v: %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"!!", "YQ", "eC4xLjE", strings.Repeat("A", 100), "YS4wLjE"} {
		if _, err := ParseCursor(bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("ParseCursor(%q) = %v", bad, err)
		}
	}
	if c, err := ParseCursor(""); err != nil || !c.IsZero() {
		t.Errorf("empty cursor: %+v %v", c, err)
	}
}

func TestRender(t *testing.T) {
	r := render.New()
	p := &Post{Format: Markdown, BodySource: "# Title\n\nHello *world* <script>alert(1)</script>\uE000x\n\n" + strings.Repeat("word ", 100)}
	if err := p.Render(r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.BodyHTML, "<script") || !strings.Contains(p.BodyHTML, "<em>world</em>") {
		t.Errorf("body html: %s", p.BodyHTML)
	}
	if strings.Contains(p.BodyText, HighlightStart) || !strings.HasPrefix(p.BodyText, "Title Hello world") {
		t.Errorf("body text: %q", p.BodyText)
	}
	if !strings.HasPrefix(p.ExcerptHTML, "<p>Hello world") || !strings.HasSuffix(p.ExcerptHTML, "…</p>") {
		t.Errorf("derived excerpt: %s", p.ExcerptHTML)
	}
	p.ExcerptSource = "A *short* <b onclick=x>summary</b>"
	if err := p.Render(r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.ExcerptHTML, "onclick") || !strings.Contains(p.ExcerptHTML, "<em>short</em>") {
		t.Errorf("explicit excerpt: %s", p.ExcerptHTML)
	}
}

func TestProfileValidate(t *testing.T) {
	p := Profile{Website: "javascript:alert(1)", AvatarURL: "data:image/png;base64,xx", Location: strings.Repeat("x", 101)}
	e, _ := apperr.As(p.Validate())
	if e == nil || e.Fields["website"] == "" || e.Fields["avatar_url"] == "" || e.Fields["location"] == "" {
		t.Errorf("got %v", e)
	}
	ok := Profile{Website: "https://example.invalid/", DisplayName: "Ada"}
	if err := ok.Validate(); err != nil {
		t.Error(err)
	}
}

func TestNormalizeCleans(t *testing.T) {
	p := Post{Title: "a\x00b \xff  c", BodySource: "x\x00y", Tags: []Term{NewTerm(Tag, "t\x00ag")}}
	p.Normalize()
	if p.Title != "ab \uFFFD c" || p.BodySource != "xy" || p.Tags[0].Name != "tag" {
		t.Errorf("%q %q %q", p.Title, p.BodySource, p.Tags[0].Name)
	}
}

func TestDerivedExcerptIsProse(t *testing.T) {
	p := &Post{Format: Markdown, BodySource: "Intro text.[^1]\n\n```\ncode()\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nMore words.\n\n[^1]: note"}
	if err := p.Render(render.New()); err != nil {
		t.Fatal(err)
	}
	if p.ExcerptHTML != "<p>Intro text.</p>" { // the first paragraph; what follows code is not the lead
		t.Errorf("excerpt: %q", p.ExcerptHTML)
	}
}
