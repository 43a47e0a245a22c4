package server

import (
	"strings"
	"testing"
	"testing/fstest"

	"quire/internal/theme"
	"quire/web"
)

// TestPageTemplatesOnFirstUse checks that a page's own copy of the
// layouts and partials is made when it is first rendered, not at load,
// and that a page that does not parse still stops the load.
func TestPageTemplatesOnFirstUse(t *testing.T) {
	tpl, err := LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	kept := func() (n int) {
		for _, pg := range tpl.pages {
			if pg.tp != nil {
				n++
			}
		}
		return n
	}
	if n := kept(); n != 0 {
		t.Fatalf("%d page templates kept after loading, want 0 until used", n)
	}
	for range 2 {
		if _, err := tpl.Render("post", sampleData()["post"]); err != nil {
			t.Fatal(err)
		}
	}
	if n := kept(); n != 1 || tpl.pages["post"].tp == nil {
		t.Errorf("%d page templates kept after rendering post twice, want post's alone", n)
	}
	if _, err := tpl.Render("no_such_page", nil); err == nil || !strings.Contains(err.Error(), "no_such_page") {
		t.Errorf("rendering an unknown page: %v", err)
	}

	top := fstest.MapFS{"templates/pages/outbox.html": {Data: []byte(`{{define "content"}}{{if}}{{end}}`)}}
	if _, err := LoadTemplates(theme.Overlay{Top: top, Base: web.FS}); err == nil || !strings.Contains(err.Error(), "outbox") {
		t.Errorf("a page that does not parse loaded: %v", err)
	}

	// A theme's file changed after loading (broken, here) does not reach
	// a page first rendered later: the page is made from the text that
	// was checked.
	file := &fstest.MapFile{Data: []byte(`{{define "content"}}<p>as loaded</p>{{end}}`)}
	themed, err := LoadTemplates(theme.Overlay{Top: fstest.MapFS{"templates/pages/outbox.html": file}, Base: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	file.Data = []byte(`{{define "content"}}{{if}}{{end}}`)
	tp, err := themed.page("outbox")
	if err != nil {
		t.Fatalf("page made from the file as changed after loading: %v", err)
	}
	var b strings.Builder
	if err := tp.ExecuteTemplate(&b, "content", nil); err != nil || b.String() != "<p>as loaded</p>" {
		t.Errorf("content = %q, %v; want the text loaded", b.String(), err)
	}
}
