// Package safetest checks that HTML contains nothing a browser would execute.
// It backs the render package's tests and is meant for page-level tests too
// (post page, feeds, moderation queue): run it on the user-content part of a
// page, for example the Html() of a goquery selection, because a whole page
// legitimately has forms, links and meta elements.
package safetest

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// UserIDPrefix is the only id prefix user content may carry: render writes
// footnote ids as IDPrefix+"fn:1" (GitHub's scheme against DOM clobbering).
// It must equal render.IDPrefix; render's tests check that.
const UserIDPrefix = "user-content-"

// forbidden elements execute script, load or embed documents, restyle the
// page, submit data, change the document's base or metadata, or are foreign
// content where mutation XSS lives.
var forbidden = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true,
	"object": true, "embed": true, "applet": true, "svg": true, "math": true,
	"form": true, "base": true, "meta": true, "link": true,
}

// urlAttrs hold URLs a browser navigates to or fetches.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "data": true,
	"poster": true, "background": true, "cite": true, "lowsrc": true, "dynsrc": true,
	"codebase": true, "longdesc": true, "xlink:href": true, "srcset": true, "ping": true,
}

// badSchemes run code or smuggle a document when navigated to.
var badSchemes = []string{"javascript:", "vbscript:", "livescript:", "data:"}

// Unsafe parses h as a browser would (scripting on) and returns one line per
// problem found, or nil: a forbidden element; an on* event handler; a style,
// srcdoc or formaction attribute; a URL attribute whose value, with
// whitespace and control characters removed as browsers do and lowercased,
// starts with javascript:, vbscript:, livescript: or data:; a name attribute;
// an id attribute that does not start with UserIDPrefix.
func Unsafe(h string) []string {
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, element(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func element(n *html.Node) []string {
	var out []string
	name := strings.ToLower(n.Data)
	if forbidden[name] {
		out = append(out, fmt.Sprintf("element <%s>", name))
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		bad := func(why string) {
			out = append(out, fmt.Sprintf("<%s %s=%q>: %s", name, key, a.Val, why))
		}
		local := key[strings.LastIndexByte(key, ':')+1:]
		switch {
		case strings.HasPrefix(local, "on"):
			bad("event handler")
		case local == "style" || local == "srcdoc" || local == "formaction":
			bad("forbidden attribute")
		case local == "name":
			bad("name attribute (DOM clobbering)")
		case local == "id" && !strings.HasPrefix(a.Val, UserIDPrefix):
			bad("id attribute (DOM clobbering)")
		}
		if urlAttrs[key] || urlAttrs[local] {
			if s := scheme(a.Val, local == "srcset"); s != "" {
				bad(s + " URL")
			}
		}
	}
	return out
}

// scheme returns the dangerous scheme v starts with, or "". The parser has
// already decoded entities; browsers then strip leading and trailing C0
// controls and spaces and remove tabs and newlines anywhere in a URL.
// A srcset is a list, checked item by item.
func scheme(v string, list bool) string {
	parts := []string{v}
	if list {
		parts = strings.Split(v, ",")
	}
	for _, part := range parts {
		u := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, part)
		u = strings.ToLower(strings.TrimFunc(u, func(r rune) bool { return r <= ' ' }))
		for _, s := range badSchemes {
			if strings.HasPrefix(u, s) {
				return strings.TrimSuffix(s, ":")
			}
		}
	}
	return ""
}

// AssertSafe fails tb with every problem Unsafe finds in h.
func AssertSafe(tb testing.TB, h string) {
	tb.Helper()
	if p := Unsafe(h); len(p) > 0 {
		tb.Errorf("unsafe HTML: %s\nin: %s", strings.Join(p, "; "), h)
	}
}
