package server

import (
	"strings"
	"testing"
	"testing/fstest"

	"quire/internal/theme"
	"quire/web"
)

// TestCheckThemeBuiltIn: the built-in theme renders every reading page
// against the sample data.
func TestCheckThemeBuiltIn(t *testing.T) {
	if err := CheckTheme(web.FS, nil, web.FS); err != nil {
		t.Fatal(err)
	}
}

// TestCheckThemeSafeHTML: a theme may give safeHTML only stored *HTML
// fields; raw sources, plain strings and other values are refused, with the
// file and line.
func TestCheckThemeSafeHTML(t *testing.T) {
	tests := []struct {
		src string
		ok  bool
	}{
		{`{{define "content"}}{{safeHTML .Post.BodyHTML}}{{end}}`, true},
		{`{{define "content"}}{{.Post.ExcerptHTML | safeHTML}}{{end}}`, true},
		{`{{define "content"}}{{with .Post}}{{safeHTML $.Post.BodyHTML}}{{end}}{{end}}`, true},
		{`{{define "content"}}{{with .Post.ExcerptHTML}}{{safeHTML .}}{{else}}{{.Post.Title}}{{end}}{{end}}`, true},
		{`{{define "content"}}{{with .Post.ExcerptHTML}}{{range $.Post.Tags}}{{safeHTML .}}{{end}}{{end}}{{end}}`, false},
		{`{{define "content"}}{{safeHTML .Post.BodySource}}{{end}}`, false},
		{`{{define "content"}}{{.Post.Title | safeHTML}}{{end}}`, false},
		{`{{define "content"}}{{with .Post.BodySource}}{{safeHTML .}}{{end}}{{end}}`, false},
		{`{{define "content"}}{{safeHTML "<script>x</script>"}}{{end}}`, false},
		{`{{define "content"}}{{if .Post}}{{range .Post.Tags}}{{safeHTML (print .Name)}}{{end}}{{end}}{{end}}`, false},
	}
	for _, tt := range tests {
		top := fstest.MapFS{"templates/pages/post.html": {Data: []byte(tt.src)}}
		files, _ := theme.Templates(top)
		err := CheckTheme(theme.Overlay{Top: top, Base: web.FS}, files, top)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.src, err)
		}
		if err != nil && !strings.Contains(err.Error(), "templates/pages/post.html:1") {
			t.Errorf("error does not name the place: %v", err)
		}
	}
}
