package server

import "html/template"

// Every page's head links to the same icons, stylesheets and script, at
// content-hashed addresses that change only with the theme: five
// addresses html/template escaped on every view, three reflective calls
// each. The "statichead" partial is given nothing of the page, so it is
// rendered once per template set, on first use, and kept on it; a theme
// (a new template set) renders its own.

// staticHead returns the rendered "statichead" partial.
func (t *Templates) staticHead() (template.HTML, error) {
	t.staticHeadOnce.Do(func() { t.staticHeadHTML, t.staticHeadErr = t.renderPartial("statichead", nil) })
	return t.staticHeadHTML, t.staticHeadErr
}
