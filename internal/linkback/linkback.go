// Package linkback implements the protocol side of Pingback 1.0 and W3C
// Webmention: a strict XML-RPC codec, endpoint discovery, link verification
// with excerpt and h-entry extraction, and the two senders.
//
// It holds no database code and no HTTP routing. Every outbound request goes
// through the Getter interface so that the caller decides how the network is
// reached; in production that is the SSRF-guarded fetcher, which refuses
// private addresses at dial time, caps size, time and redirects, and reports
// the final URL after redirects.
package linkback

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Response is what a Getter returns: the final URL after redirects (relative
// endpoints resolve against it), the status, the headers and the body, which
// the Getter has already capped.
type Response struct {
	URL    *url.URL
	Status int
	Header http.Header
	Body   []byte
}

// Getter performs outbound HTTP requests. Get follows redirects; Post does
// not need to. Implementations must apply their own address, size and time
// limits: this package trusts whatever they return.
type Getter interface {
	Get(ctx context.Context, rawURL string) (*Response, error)
	Post(ctx context.Context, rawURL, contentType string, body []byte) (*Response, error)
}

// ErrNoEndpoint means the target advertises no usable pingback or
// webmention endpoint.
var ErrNoEndpoint = errors.New("linkback: no endpoint advertised")

// maxTreeDepth bounds the recursive walks over parsed HTML so that a page of
// a million nested elements cannot exhaust the stack; real pages stay far
// below it, and links deeper than this are simply not seen.
const maxTreeDepth = 512

// isHTML reports whether a Content-Type names HTML or XHTML. An absent type
// is treated as HTML because many small servers omit it.
func isHTML(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// attr returns the value of the named attribute and whether it is present;
// presence matters because href="" is meaningful in Webmention discovery.
func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// hasToken reports whether a space-separated attribute (rel, class) contains
// tok, compared ASCII case-insensitively as HTML specifies for rel.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// skipSubtree names elements whose content is never a real, visible link:
// raw-text elements and inert containers.
func skipSubtree(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes:
		return true
	}
	return false
}

// walk visits element nodes in document order, skipping inert subtrees and
// anything deeper than maxTreeDepth. Returning false from fn stops the walk.
func walk(n *html.Node, depth int, fn func(*html.Node) bool) bool {
	if depth > maxTreeDepth {
		return true
	}
	if n.Type == html.ElementNode {
		if skipSubtree(n) {
			return true
		}
		if !fn(n) {
			return false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !walk(c, depth+1, fn) {
			return false
		}
	}
	return true
}

// resolveHTTP resolves ref against base and returns it only when the result
// is an absolute http(s) URL with a host.
func resolveHTTP(base *url.URL, ref string) (*url.URL, bool) {
	// HTML strips leading and trailing ASCII whitespace from URL attributes.
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return nil, false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}
