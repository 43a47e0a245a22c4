package server

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quire/internal/guestpost"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/theme"
	"quire/web"
)

// articleSample is a post page with every field the article may show
// filled: a fresh value each call, so that a change to one cannot reach
// another.
func articleSample() postPage {
	at := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC)
	p := &post.Post{ID: 7, Kind: post.KindPost, Title: `A <post> & "its" title`, Slug: "a-post",
		ExcerptSource: "An excerpt", ExcerptHTML: "<p>An excerpt</p>", BodyHTML: `<h2 id="one">One</h2><p>Body.</p>`,
		PublishedAt: at, UpdatedAt: at.Add(time.Hour),
		Author:     post.Byline{Username: "ann", DisplayName: "Ann Author", AvatarURL: "/media/ann.png"},
		Categories: []post.Term{{ID: 1, Kind: post.Category, Slug: "notes", Name: "Notes"}},
		Tags:       []post.Term{{ID: 2, Kind: post.Tag, Slug: "go", Name: "Go"}, {ID: 3, Kind: post.Tag, Slug: "sql", Name: "SQL"}}}
	return postPage{
		Page: Page{Title: p.Title, Path: p.Path(), Site: Site{Title: "Blog"}},
		Post: p, URL: "https://blog.example/posts/a-post",
		Older:    &post.Post{ID: 6, Kind: post.KindPost, Title: "Older one", Slug: "older-one", PublishedAt: at.Add(-time.Hour)},
		Newer:    &post.Post{ID: 8, Kind: post.KindPost, Title: "Newer one", Slug: "newer-one", PublishedAt: at.Add(time.Hour)},
		Comments: &commentsView{PostID: 7, Count: 3},
		Guest: &store.GuestBox{IntroHTML: "<p>An editor's note.</p>",
			Guest: guestpost.Guest{ID: 4, Name: "Gus Guest", BioHTML: "<p>Writes.</p>", Website: "https://gus.example"}},
		Glance: post.Glance{Words: 400, Minutes: 2},
		TOC:    []post.Heading{{ID: "one", Text: "One", Level: 2}, {ID: "two", Text: "Two", Level: 3}},
	}
}

// TestArticleKeyCoversPartial changes each field reachable from a post
// page, one at a time (strings, numbers, booleans and times, in every
// struct, pointer and slice below it), and renders the article without
// the memo: whenever the bytes change, the memo's key must change too.
// A field the partial (or a partial it calls) starts to read without the
// key writing it fails here.
func TestArticleKeyCoversPartial(t *testing.T) {
	tpl, err := LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	if tpl.articleOwn {
		t.Fatal("the built-in files taken for a theme's")
	}
	z := tpl.style()
	base := articleSample()
	want, err := tpl.renderArticle(base)
	if err != nil {
		t.Fatal(err)
	}
	wantKey := articleKey(base, z)
	var paths [][]int
	leaves(reflect.ValueOf(base), nil, &paths, 0)
	changed := 0
	for _, path := range paths {
		pp := articleSample()
		name := perturb(reflect.ValueOf(&pp).Elem(), path)
		got, err := tpl.renderArticle(pp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got == want {
			continue
		}
		changed++
		if articleKey(pp, z) == wantKey {
			t.Errorf("changing %s changes the article but not its key", name)
		}
	}
	if changed < 30 { // the test must reach what the article shows
		t.Errorf("only %d of %d fields change the article", changed, len(paths))
	}

	// The date style: another zone (the post was published at 23:30 UTC,
	// the next day an hour east), another layout.
	for _, other := range []*dateStyle{{loc: time.FixedZone("UTC+1", 3600), layout: z.layout}, {loc: z.loc, layout: "2006-01-02"}} {
		tpl.zone.Store(other)
		got, err := tpl.renderArticle(base)
		if err != nil || got == want || articleKey(base, other) == wantKey {
			t.Errorf("date style %v %q: %v, same bytes %v, same key %v", other.loc, other.layout, err, got == want, articleKey(base, other) == wantKey)
		}
	}
	tpl.zone.Store(z)
	// A thread-less page (a preview) and a guest-less one.
	bare := articleSample()
	bare.Comments, bare.Guest, bare.Older, bare.Newer = nil, nil, nil, nil
	if articleKey(bare, z) == wantKey {
		t.Error("absent parts give the same key")
	}
}

// leaves appends to out the path of every settable leaf under v: a field
// index or slice index per step, pointers followed.
func leaves(v reflect.Value, path []int, out *[][]int, depth int) {
	if depth > 8 {
		return
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		*out = append(*out, append([]int(nil), path...))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				leaves(v.Field(i), append(path, i), out, depth+1)
			}
		}
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			leaves(v.Index(i), append(path, i), out, depth+1)
		}
	case v.Kind() == reflect.String, v.Kind() == reflect.Bool, v.CanInt(), v.CanUint(), v.CanFloat():
		*out = append(*out, append([]int(nil), path...))
	}
}

// perturb changes the leaf of v at path and returns its name.
func perturb(v reflect.Value, path []int) string {
	var name strings.Builder
	for _, i := range path {
		for v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			name.WriteString("." + v.Type().Field(i).Name)
			v = v.Field(i)
		} else {
			fmt.Fprintf(&name, "[%d]", i)
			v = v.Index(i)
		}
	}
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(25 * time.Hour)))
	case v.Kind() == reflect.String:
		v.SetString(v.String() + "x")
	case v.Kind() == reflect.Bool:
		v.SetBool(!v.Bool())
	case v.CanInt():
		v.SetInt(v.Int() + 1)
	case v.CanUint():
		v.SetUint(v.Uint() + 1)
	case v.CanFloat():
		v.SetFloat(v.Float() + 1)
	}
	return name.String()
}

// TestArticleMemo: post pages whose article comes from articleHTML are
// byte for byte the pages of a post template executing the partial
// itself, the first time and from the memo; a theme with its own card
// partials (which "article" calls) is rendered every time.
func TestArticleMemo(t *testing.T) {
	tpl, was := inPlace(t, nil, "templates/pages/post.html", "{{articleHTML .}}", `{{template "article" .}}`)
	variants := []func(*postPage){
		func(*postPage) {},
		func(pp *postPage) { pp.CanEdit = true },
		func(pp *postPage) { pp.Guest, pp.TOC = nil, nil },
		func(pp *postPage) { pp.Older, pp.Newer, pp.Comments = nil, nil, nil },
		func(pp *postPage) { pp.Post.Categories, pp.Post.Tags, pp.Post.ExcerptSource = nil, nil, "" },
		func(pp *postPage) { pp.Post.Author.GuestID, pp.Post.Author.GuestName = 4, "Gus Guest" },
		func(pp *postPage) { pp.Post.PublishedAt = time.Time{} },
		func(pp *postPage) { pp.Comments.Count = 0 },
	}
	for round := range 2 {
		for i, v := range variants {
			pp := articleSample()
			v(&pp)
			got, err1 := tpl.Render("post", pp)
			want, err2 := was.Render("post", pp)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if string(got) != string(want) {
				t.Errorf("round %d, variant %d: the page differs from the partial executed in place:\n%s\nwant:\n%s", round, i, got, want)
			}
		}
	}
	if n := tpl.articles.EstimatedSize(); n != len(variants)-1 { // the one without a thread (a preview) is not kept
		t.Errorf("the memo holds %d articles, want %d", n, len(variants)-1)
	}

	for _, f := range articleOwnFiles { // a theme's copy of the file: what it reads is up to the theme
		b, err := fs.ReadFile(web.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		own, err := LoadTemplates(theme.Overlay{Top: fstest.MapFS{f: {Data: b}}, Base: web.FS})
		if err != nil {
			t.Fatal(err)
		}
		if !own.articleOwn {
			t.Errorf("a theme's %s not seen", f)
		}
	}
}
