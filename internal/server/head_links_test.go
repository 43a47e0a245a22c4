package server

import (
	"html/template"
	"strings"
	"testing"

	"quire/web"
)

// headLinksRef is the layout's markup before the partial and its memo:
// what the head must still say, byte for byte.
var headLinksRef = template.Must(template.New("ref").Parse(`{{range .Feeds}}<link rel="alternate" type="{{.Type}}" title="{{.Title}}" href="{{.Href}}">
{{end}}{{range .Head}}<link rel="{{.Rel}}" href="{{.Href}}">
{{end}}{{range $k, $v := .OG}}<meta property="{{$k}}" content="{{$v}}">
{{end}}`))

// TestHeadLinks: the memo's head links are what the layout's own ranges
// wrote, for titles full of markup and quotes too; a changed value gives
// changed links at once (it is part of the key), and a repeated set the
// same links from the memo.
func TestHeadLinks(t *testing.T) {
	tpl, err := LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	hostile := `"><script>alert(1)</script> & 'quotes' + more`
	sets := []headLinks{
		{},
		{Feeds: []FeedLink{{"application/atom+xml", "Atom feed", "/feed.atom"}}},
		{Feeds: []FeedLink{{"application/atom+xml", hostile + " (Atom)", "/authors/x/feed.atom"}, {"application/rss+xml", "RSS", "javascript:alert(1)"}},
			Head: []HeadLink{{"pingback", "http://blog.invalid/xmlrpc"}, {"webmention", "http://blog.invalid/webmention"}},
			OG:   map[string]string{"og:title": hostile, "og:url": "http://blog.invalid/posts/a", "og:type": "article", "twitter:card": "summary"}},
		{OG: map[string]string{"og:title": hostile + "!"}},
		{OG: map[string]string{"og:title": "a", "og:url": "b"}},
		{OG: map[string]string{"og:titlea": "", "og:url": "b"}}, // the same letters, cut elsewhere
	}
	seen := map[template.HTML]bool{}
	for round := range 2 { // the second round reads the memo
		for i, s := range sets {
			got, err := tpl.headLinks(s.Feeds, s.Head, s.OG)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			if err := headLinksRef.Execute(&want, s); err != nil {
				t.Fatal(err)
			}
			if string(got) != want.String() {
				t.Errorf("round %d, set %d:\n%s\nwant:\n%s", round, i, got, want.String())
			}
			if round == 0 {
				if seen[got] && got != "" {
					t.Errorf("set %d: the links of another set", i)
				}
				seen[got] = true
			}
		}
	}
	if n := tpl.heads.EstimatedSize(); n != len(sets) {
		t.Errorf("the memo holds %d sets, want %d", n, len(sets))
	}
	if strings.Contains(string(must(tpl.headLinks(sets[2].Feeds, nil, sets[2].OG))), "<script>") {
		t.Error("a title's markup came through unescaped")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
