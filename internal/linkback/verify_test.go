package linkback

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFindLink(t *testing.T) {
	const target = "https://quire.invalid/posts/hello?x=1"
	cases := []struct {
		name, body string
		want       bool
	}{
		{"exact", `<p>See <a href="https://quire.invalid/posts/hello?x=1">this</a>.</p>`, true},
		{"fragment ignored", `<a href="https://quire.invalid/posts/hello?x=1#comments">x</a>`, true},
		{"default port", `<a href="https://quire.invalid:443/posts/hello?x=1">x</a>`, true},
		{"host and scheme case", `<a href="HTTPS://Quire.INVALID/posts/hello?x=1">x</a>`, true},
		{"relative resolved", `<a href="/posts/hello?x=1">x</a>`, false}, // page is on another host
		{"whitespace trimmed", `<a href="  https://quire.invalid/posts/hello?x=1 ">x</a>`, true},
		{"path case matters", `<a href="https://quire.invalid/Posts/hello?x=1">x</a>`, false},
		{"query matters", `<a href="https://quire.invalid/posts/hello?x=2">x</a>`, false},
		{"other port", `<a href="https://quire.invalid:8443/posts/hello?x=1">x</a>`, false},
		{"only in a comment", `<!-- <a href="https://quire.invalid/posts/hello?x=1">x</a> -->`, false},
		{"only in a script", `<script>document.write('<a href="https://quire.invalid/posts/hello?x=1">x</a>')</script>`, false},
		{"only in style", `<style>a[href="https://quire.invalid/posts/hello?x=1"]{}</style>`, false},
		{"only in template", `<template><a href="https://quire.invalid/posts/hello?x=1">x</a></template>`, false},
		{"only in noscript", `<noscript><a href="https://quire.invalid/posts/hello?x=1">x</a></noscript>`, false},
		{"only in attribute text", `<span title='<a href="https://quire.invalid/posts/hello?x=1">'>x</span>`, false},
		{"only as text", `<p>https://quire.invalid/posts/hello?x=1</p>`, false},
		{"escaped markup", `<code>&lt;a href="https://quire.invalid/posts/hello?x=1"&gt;</code>`, false},
		{"img is not a pingback link", `<img src="https://quire.invalid/posts/hello?x=1">`, false},
		{"link element is not a link", `<link rel="x" href="https://quire.invalid/posts/hello?x=1">`, false},
	}
	page := mustURL(t, "https://source.invalid/a/b")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := FindLink([]byte(c.body), page, target); got != c.want {
				t.Errorf("FindLink = %v, want %v", got, c.want)
			}
		})
	}
	// A relative link resolves against the page, and against <base href>.
	same := mustURL(t, "https://quire.invalid/other/page")
	if ok, _ := FindLink([]byte(`<a href="../posts/hello?x=1">x</a>`), same, target); !ok {
		t.Error("relative link not resolved against the page")
	}
	if ok, _ := FindLink([]byte(`<base href="https://quire.invalid/posts/"><a href="hello?x=1">x</a>`), page, target); !ok {
		t.Error("relative link not resolved against <base href>")
	}
	if ok, _ := FindLink([]byte(`<a href="https://quire.invalid/">x</a>`), page, "https://quire.invalid"); !ok {
		t.Error("empty path should equal /")
	}
	if ok, _ := FindLink([]byte(`<a href="x">x</a>`), page, "not a url"); ok {
		t.Error("a non-http target must never match")
	}
}

func TestFindMentionMedia(t *testing.T) {
	page := mustURL(t, "https://source.invalid/")
	for _, body := range []string{`<img src="https://quire.invalid/p.jpg">`, `<video src="https://quire.invalid/p.jpg"></video>`,
		`<audio><source src="https://quire.invalid/p.jpg"></audio>`} {
		if ok, _ := FindMention([]byte(body), page, "https://quire.invalid/p.jpg"); !ok {
			t.Errorf("FindMention(%s) = false", body)
		}
	}
}

func TestSourceInfo(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor ", 40)
	body := `<html><head><title>
  A   post about things  </title><meta property="og:site_name" content="Example Site"></head>
<body><nav>Home About</nav>
<article class="h-entry">
  <a class="u-url" href="/2024/post">permalink</a>
  <time class="dt-published" datetime="2024-05-06T07:08:09+02:00">May 6</time>
  <a class="p-author h-card" href="/about"><img src="/me.jpg" alt="">Ada Lovelace</a>
  <div class="e-content"><p>` + long + `I liked <a href="https://quire.invalid/posts/1">this post by Bob</a> a lot. ` + long + `</p>
  <div class="h-cite"><a class="u-url" href="/nested">nested url must not win</a></div></div>
</article></body></html>`
	ok, info := FindLink([]byte(body), mustURL(t, "https://source.invalid/2024/post"), "https://quire.invalid/posts/1")
	if !ok {
		t.Fatal("link not found")
	}
	if info.Title != "A post about things" || info.SiteName != "Example Site" {
		t.Errorf("title/site = %q / %q", info.Title, info.SiteName)
	}
	if !strings.Contains(info.Excerpt, "I liked this post by Bob a lot.") || utf8.RuneCountInString(info.Excerpt) > 202 {
		t.Errorf("excerpt = %q (%d runes)", info.Excerpt, utf8.RuneCountInString(info.Excerpt))
	}
	if !strings.HasPrefix(info.Excerpt, "…") || !strings.HasSuffix(info.Excerpt, "…") {
		t.Errorf("excerpt not marked as cut: %q", info.Excerpt)
	}
	inner := strings.Trim(info.Excerpt, "…")
	for _, w := range strings.Fields(inner) {
		if !strings.Contains("lorem ipsum dolor I liked this post by Bob a lot.", w) {
			t.Errorf("excerpt cut inside a word: %q", w)
		}
	}
	if info.URL != "https://source.invalid/2024/post" {
		t.Errorf("URL = %q", info.URL)
	}
	if info.AuthorName != "Ada Lovelace" || info.AuthorURL != "https://source.invalid/about" || info.AuthorPhoto != "https://source.invalid/me.jpg" {
		t.Errorf("author = %q %q %q", info.AuthorName, info.AuthorURL, info.AuthorPhoto)
	}
	if want := time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC); !info.Published.Equal(want) {
		t.Errorf("published = %v", info.Published)
	}
	if !strings.HasPrefix(info.Content, "lorem ipsum") || utf8.RuneCountInString(info.Content) > contentRunes {
		t.Errorf("content = %q", info.Content)
	}
}

func TestSourceInfoDefaults(t *testing.T) {
	body := `<title>` + strings.Repeat("word ", 100) + `</title><p>Short <a href="https://quire.invalid/x">link</a>.</p>
<div class="h-entry"><span class="p-author">Bob</span></div>`
	ok, info := FindLink([]byte(body), mustURL(t, "https://Source.Invalid/p"), "https://quire.invalid/x")
	if !ok {
		t.Fatal("not found")
	}
	if n := utf8.RuneCountInString(info.Title); n > titleRunes || !strings.HasSuffix(info.Title, "word…") {
		t.Errorf("title %q (%d runes)", info.Title, n)
	}
	if info.SiteName != "source.invalid" || info.Excerpt != "Short link." || info.AuthorName != "Bob" {
		t.Errorf("info = %+v", info)
	}
}
