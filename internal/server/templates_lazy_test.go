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
}
