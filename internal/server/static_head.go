package server

import (
	"html/template"
	"strings"
)

// Every page's head links to the same icons, stylesheets and script, at
// content-hashed addresses that change only with the theme: five
// addresses html/template escaped on every view, three reflective calls
// each. The "statichead" partial is given nothing of the page, so it is
// rendered once per template set, on first use, and kept on it; a theme
// (a new template set) renders its own.

// staticHead returns the rendered "statichead" partial.
func (t *Templates) staticHead() (template.HTML, error) {
	t.staticHeadOnce.Do(func() {
		tp, err := t.page("post") // every page's set holds the partials
		if err != nil {
			t.staticHeadErr = err
			return
		}
		var b strings.Builder
		if t.staticHeadErr = tp.ExecuteTemplate(&b, "statichead", nil); t.staticHeadErr == nil {
			t.staticHeadHTML = template.HTML(b.String())
		}
	})
	return t.staticHeadHTML, t.staticHeadErr
}
