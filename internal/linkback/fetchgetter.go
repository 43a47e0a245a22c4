package linkback

import (
	"context"
	"sync"

	"quire/internal/fetch"
)

// FetchGetter implements Getter over the SSRF-guarded fetch.Client, the
// way production reaches the network. Purpose and Requester go into the
// User-Agent ("verifying pingback requested by 203.0.113.9"), so that a
// site Quire is aimed at can see why and by whom.
type FetchGetter struct {
	Client    *fetch.Client
	Purpose   string
	Requester string
	Accept    string // for Get; empty sends text/html first
}

// Get fetches rawURL, following redirects within the client's limits;
// Response.URL is the final URL, so relative endpoints resolve against it.
func (g FetchGetter) Get(ctx context.Context, rawURL string) (*Response, error) {
	accept := g.Accept
	if accept == "" {
		accept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
	}
	r, err := g.Client.Do(ctx, fetch.Request{URL: rawURL, Purpose: g.Purpose, Requester: g.Requester, Accept: accept})
	return response(r, err)
}

// Post sends body to rawURL.
func (g FetchGetter) Post(ctx context.Context, rawURL, contentType string, body []byte) (*Response, error) {
	r, err := g.Client.Do(ctx, fetch.Request{URL: rawURL, Purpose: g.Purpose, Requester: g.Requester,
		Method: "POST", Body: body, ContentType: contentType, Accept: "*/*"})
	return response(r, err)
}

func response(r *fetch.Response, err error) (*Response, error) {
	if err != nil {
		return nil, err
	}
	return &Response{URL: r.URL, Status: r.Status, Header: r.Header, Body: r.Body}, nil
}

// OnceGetter wraps a Getter so that each URL is fetched with GET at most
// once: pingback and webmention discovery of the same target then share
// one request, as webmention.rocks test 23 asks ("each URL may be
// requested only once"). Errors are remembered too. Safe for concurrent use.
type OnceGetter struct {
	Getter
	mu   sync.Mutex
	seen map[string]onceResult
}

type onceResult struct {
	r   *Response
	err error
}

// Get returns the remembered answer for rawURL, fetching it the first time.
func (g *OnceGetter) Get(ctx context.Context, rawURL string) (*Response, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if res, ok := g.seen[rawURL]; ok {
		return res.r, res.err
	}
	r, err := g.Getter.Get(ctx, rawURL)
	if g.seen == nil {
		g.seen = map[string]onceResult{}
	}
	g.seen[rawURL] = onceResult{r, err}
	return r, err
}
