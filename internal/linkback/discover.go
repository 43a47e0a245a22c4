package linkback

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fetchTarget GETs target and refuses error statuses: a page that answers
// 4xx/5xx is not one to notify.
func fetchTarget(ctx context.Context, g Getter, target string) (*Response, error) {
	resp, err := g.Get(ctx, target)
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, fmt.Errorf("linkback: target answered %d: %w", resp.Status, ErrNoEndpoint)
	}
	if resp.URL == nil {
		// A Getter should report the final URL; fall back to the target.
		u, err := url.Parse(target)
		if err != nil {
			return nil, err
		}
		resp.URL = u
	}
	return resp, nil
}

func header(resp *Response, name string) string {
	for k, v := range resp.Header {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// DiscoverPingback finds target's Pingback endpoint: the X-Pingback header
// (which takes precedence, and is all that some themes send), else the first
// <link rel="pingback" href> in the HTML. It returns ErrNoEndpoint when the
// target advertises neither.
func DiscoverPingback(ctx context.Context, g Getter, target string) (endpoint string, err error) {
	resp, err := fetchTarget(ctx, g, target)
	if err != nil {
		return "", err
	}
	if h := strings.TrimSpace(header(resp, "X-Pingback")); h != "" {
		if u, ok := resolveHTTP(resp.URL, h); ok {
			return u.String(), nil
		}
	}
	if !isHTML(header(resp, "Content-Type")) {
		return "", ErrNoEndpoint
	}
	// The spec allows a regular expression; a real parser also skips
	// commented-out or script-embedded link elements.
	if u, ok := findRel(resp.Body, resp.URL, "pingback", false); ok {
		return u, nil
	}
	return "", ErrNoEndpoint
}

// DiscoverWebmention finds target's Webmention endpoint as the W3C
// Recommendation specifies: the first Link header value with
// rel=webmention, else the first <link> or <a> element with rel=webmention
// and an href, in document order. Relative endpoints resolve against the URL
// reached after redirects; an empty href means that page itself; query
// strings are kept. It returns ErrNoEndpoint when nothing is advertised.
func DiscoverWebmention(ctx context.Context, g Getter, target string) (endpoint string, err error) {
	resp, err := fetchTarget(ctx, g, target)
	if err != nil {
		return "", err
	}
	for _, h := range linkHeaders(resp.Header) {
		for _, lv := range parseLinkHeader(h) {
			if !hasToken(strings.Join(lv.rels, " "), "webmention") {
				continue
			}
			if u, ok := resolveHTTP(resp.URL, lv.target); ok {
				return u.String(), nil
			}
		}
	}
	if !isHTML(header(resp, "Content-Type")) {
		return "", ErrNoEndpoint
	}
	if u, ok := findRel(resp.Body, resp.URL, "webmention", true); ok {
		return u, nil
	}
	return "", ErrNoEndpoint
}

// findRel returns the first <link> (or, with anchors, <a>) element whose rel
// contains rel and which has an href attribute, resolved against base.
// Elements without href are skipped; href="" resolves to base itself.
func findRel(body []byte, base *url.URL, rel string, anchors bool) (string, bool) {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return "", false
	}
	var found string
	walk(doc, 0, func(n *html.Node) bool {
		if n.DataAtom != atom.Link && !(anchors && n.DataAtom == atom.A) {
			return true
		}
		r, _ := attr(n, "rel")
		href, ok := attr(n, "href")
		if !ok || !hasToken(r, rel) {
			return true
		}
		u, ok := resolveHTTP(base, href)
		if !ok {
			return true
		}
		u.Fragment, u.RawFragment = "", ""
		found = u.String()
		return false
	})
	return found, found != ""
}

// ExternalLinks returns the absolute http(s) targets of <a href> elements in
// a post's HTML, resolved against base, without fragments, deduplicated, in
// document order, leaving out links to selfHost (compared without port and
// case). These are the targets to notify.
func ExternalLinks(htmlText string, base *url.URL, selfHost string) []string {
	doc, err := html.Parse(strings.NewReader(htmlText))
	if err != nil {
		return nil
	}
	self := strings.ToLower(strings.TrimSuffix(hostOnly(selfHost), "."))
	seen := map[string]bool{}
	var out []string
	walk(doc, 0, func(n *html.Node) bool {
		if n.DataAtom != atom.A {
			return true
		}
		href, ok := attr(n, "href")
		if !ok {
			return true
		}
		u, ok := resolveHTTP(base, href)
		if !ok || strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")) == self {
			return true
		}
		u.Fragment, u.RawFragment = "", ""
		u.Host = strings.ToLower(u.Host) // so case variants dedupe
		if s := u.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return true
	})
	return out
}

// hostOnly strips a port from host[:port], including bracketed IPv6.
func hostOnly(h string) string {
	if u, err := url.Parse("http://" + h); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return h
}
