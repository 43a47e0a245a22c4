package server

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/theme"
	"quire/web"
)

// TestLayoutMemos: pages whose layout takes the navigation from navHTML
// and the static links from staticHead are byte for byte the pages of the
// layout executing both partials itself, as it did, for visitors not
// signed in (from the memo, the second time) and signed in; the memo
// holds one navigation per list of links and current page, and nothing
// of a signed-in visitor.
func TestLayoutMemos(t *testing.T) {
	layoutCalls := []string{"{{navHTML $p}}", `{{template "nav" $p}}`, "{{staticHead}}", `{{template "statichead"}}`}
	tpl, was := inPlace(t, nil, "templates/layouts/base.html", layoutCalls...)
	if tpl.navOwn || was.navOwn {
		t.Fatal("the built-in partials/nav.html taken for a theme's")
	}

	hostile := `"><script>alert(1)</script> & 'quotes'`
	nav := []store.NavLink{{Title: "About", Slug: "about"}, {Title: hostile, Slug: "now"}, {Title: "Uses", Slug: "uses"}}
	short := []store.NavLink{{Title: "About", Slug: "about"}}
	cut := []store.NavLink{{Title: "Abou", Slug: "tabout"}} // the same letters, cut elsewhere
	admin := &account.User{ID: 1, Username: "ann", Role: account.Admin}
	author := &account.User{ID: 2, Username: "bob", Role: account.Author}
	pages := []Page{
		{Path: "/", Nav: nav},
		{Path: "/posts/a-post", Nav: nav}, // no link is current: the same as "/"
		{Path: "/about", Nav: nav},
		{Path: "/now", Nav: nav},
		{Path: "/about", Nav: short},
		{Path: "/tabout", Nav: cut},
		{Path: "/", Nav: nil},
		{Path: "/", Nav: nav, User: admin, Held: 3},
		{Path: "/about", Nav: nav, User: author},
	}
	p := &post.Post{ID: 1, Title: "A post", Slug: "a-post", BodyHTML: "<p>Body.</p>", PublishedAt: time.Now(), Author: post.Byline{Username: "ann"}}
	for round := range 2 {
		for i, pg := range pages {
			pg.Title, pg.Site = p.Title, Site{Title: "Blog"}
			pp := postPage{Page: pg, Post: p}
			got, err := tpl.Render("post", pp)
			if err != nil {
				t.Fatal(err)
			}
			want, err := was.Render("post", pp)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("round %d, page %d: the page differs from the layout's own nav:\n%s\nwant:\n%s", round, i, got, want)
			}
		}
	}
	var keys int
	for k := range tpl.heads.Keys() {
		if strings.HasPrefix(k, "nav\x00") {
			keys++
		}
	}
	if keys != 6 { // the six distinct lists and current pages of the visitors not signed in
		t.Errorf("the memo holds %d navigations, want 6", keys)
	}

	// A theme's stylesheet is in its set's static links, and only there.
	css := &fstest.MapFile{Data: []byte("body { color: teal }")}
	themed, themedWas := inPlace(t, fstest.MapFS{"static/theme.css": css}, "templates/layouts/base.html", layoutCalls...)
	pp := postPage{Page: Page{Title: p.Title, Path: "/", Site: Site{Title: "Blog"}, Nav: nav}, Post: p}
	for round := range 2 {
		got, err1 := themed.Render("post", pp)
		want, err2 := themedWas.Render("post", pp)
		if err1 != nil || err2 != nil || string(got) != string(want) || !strings.Contains(string(got), `/theme.css"`) {
			t.Errorf("round %d, a theme's stylesheet: %v %v\n%s", round, err1, err2, got)
		}
		if plain, _ := tpl.Render("post", pp); strings.Contains(string(plain), "/theme.css\"") {
			t.Error("the built-in set links to a theme's stylesheet")
		}
	}

	// A theme's own nav.html may read anything of the page: rendered every time.
	own, err := LoadTemplates(theme.Overlay{Top: fstest.MapFS{
		"templates/partials/nav.html": {Data: []byte(`{{define "nav"}}<a href="/">{{.Title}}</a>{{end}}`)}}, Base: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	if !own.navOwn {
		t.Fatal("a theme's partials/nav.html not seen")
	}
	for _, title := range []string{"First", "Second"} {
		h, err := own.navHTML(Page{Title: title, Path: "/", Nav: nav})
		if err != nil || string(h) != `<a href="/">`+title+`</a>` {
			t.Errorf("the theme's nav for %q: %q, %v", title, h, err)
		}
	}
}

// inPlace returns a template set, the built-in one or top over it, and the
// same set with file changed to execute its memoized partials in place:
// each of calls' pairs is a memo's call, which must stand in the built-in
// file once, and the template call that replaces it. The two sets must
// render the same bytes.
func inPlace(t *testing.T, top fstest.MapFS, file string, calls ...string) (built, ref *Templates) {
	t.Helper()
	src, err := fs.ReadFile(web.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(calls); i += 2 {
		if strings.Count(string(src), calls[i]) != 1 {
			t.Fatalf("the built-in %s no longer calls %s once", file, calls[i])
		}
	}
	var base fs.FS = web.FS
	if top != nil {
		base = theme.Overlay{Top: top, Base: web.FS}
	}
	if built, err = LoadTemplates(base); err != nil {
		t.Fatal(err)
	}
	changed := fstest.MapFS{file: {Data: []byte(strings.NewReplacer(calls...).Replace(string(src)))}}
	for name, f := range top {
		changed[name] = f
	}
	if ref, err = LoadTemplates(theme.Overlay{Top: changed, Base: web.FS}); err != nil {
		t.Fatal(err)
	}
	return built, ref
}
