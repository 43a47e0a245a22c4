package linkback

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// httpGetter implements Getter with a plain client for loopback httptest
// servers. Production code uses the SSRF-guarded fetcher instead.
type httpGetter struct{ c *http.Client }

func newGetter() *httpGetter {
	return &httpGetter{c: &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

func (g *httpGetter) do(req *http.Request) (*Response, error) {
	resp, err := g.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &Response{URL: resp.Request.URL, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func (g *httpGetter) Get(ctx context.Context, rawURL string) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return g.do(req)
}

func (g *httpGetter) Post(ctx context.Context, rawURL, contentType string, body []byte) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	return g.do(req)
}
