package render_test

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"quire/internal/render"
)

// The must_keep / expect_added grammar of benign-html.tsv, as used by every
// row: items separated by "; ", each either
//
//	text:SOME TEXT         the output's visible text (white space folded) contains it
//	sel                    an element matches sel
//
// where sel is simple (">" simple)* with the CSS child combinator and
// simple is tag, tag[attr=value] (exact, entity-decoded) or tag[attr~=word]
// (attr is a space-separated list holding word).

type simple struct {
	tag, attr, op, val string // op "" (no attribute test), "=" or "~="
}

// parseSel parses one selector item; an unknown form is an error so that a
// new row using new grammar fails loudly instead of matching nothing.
func parseSel(s string) ([]simple, error) {
	var out []simple
	for _, part := range splitChild(s) {
		var sp simple
		tag, rest, ok := strings.Cut(part, "[")
		sp.tag = tag
		if ok {
			if !strings.HasSuffix(rest, "]") {
				return nil, fmt.Errorf("selector %q: no closing ]", s)
			}
			rest = strings.TrimSuffix(rest, "]")
			i := strings.IndexAny(rest, "~=")
			if i <= 0 {
				return nil, fmt.Errorf("selector %q: bad attribute test", s)
			}
			sp.attr = rest[:i]
			switch {
			case strings.HasPrefix(rest[i:], "~="):
				sp.op, sp.val = "~=", rest[i+2:]
			case rest[i] == '=':
				sp.op, sp.val = "=", rest[i+1:]
			default:
				return nil, fmt.Errorf("selector %q: bad operator", s)
			}
		}
		if sp.tag == "" || strings.ContainsAny(sp.tag, " .#:*") {
			return nil, fmt.Errorf("selector %q: bad tag %q", s, sp.tag)
		}
		out = append(out, sp)
	}
	return out, nil
}

// splitChild splits on ">" outside brackets (values may hold ">").
func splitChild(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

func (sp simple) match(n *html.Node) bool {
	if n == nil || n.Type != html.ElementNode || n.Data != sp.tag {
		return false
	}
	if sp.op == "" {
		return true
	}
	for _, a := range n.Attr {
		if a.Key != sp.attr {
			continue
		}
		if sp.op == "=" {
			return a.Val == sp.val
		}
		return slices.Contains(strings.Fields(a.Val), sp.val)
	}
	return false
}

// matches reports whether n matches the chain sel (last simple is n itself,
// each earlier one its parent).
func matches(n *html.Node, sel []simple) bool {
	for i := len(sel) - 1; i >= 0; i-- {
		if !sel[i].match(n) {
			return false
		}
		n = n.Parent
	}
	return true
}

// elements returns every element of the parsed fragment h.
func elements(h string) []*html.Node {
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		panic(err) // html.Parse of a string does not fail
	}
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// check evaluates one grammar item against output h. With every set, a
// selector must hold for every element with its last tag (expect_added:
// "every link got nofollow"), and at least one must exist.
func check(h, item string, every bool) error {
	if t, ok := strings.CutPrefix(item, "text:"); ok {
		got, want := render.Text(h), strings.Join(strings.Fields(t), " ")
		if !strings.Contains(got, want) {
			return fmt.Errorf("text %q not in visible text %q", want, got)
		}
		return nil
	}
	sel, err := parseSel(item)
	if err != nil {
		return err
	}
	last := simple{tag: sel[len(sel)-1].tag}
	found := 0
	for _, n := range elements(h) {
		if !last.match(n) {
			continue
		}
		if matches(n, sel) {
			found++
		} else if every {
			var b strings.Builder
			_ = html.Render(&b, n)
			return fmt.Errorf("element %s fails %q", b.String(), item)
		}
	}
	if found == 0 {
		return fmt.Errorf("no element matches %q", item)
	}
	return nil
}

// items splits a grammar field; empty gives none.
func items(field string) []string {
	var out []string
	for _, it := range strings.Split(field, "; ") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}
