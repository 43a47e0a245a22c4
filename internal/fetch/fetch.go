package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrBlocked means the guard refused the destination: scheme, port, userinfo
// or an address that is loopback, private, link-local or otherwise not
// public. Nothing was sent to it.
//
// Callers answering the outside world must not distinguish ErrBlocked from
// ErrUnreachable (see the package comment, CVE-2013-0235).
var ErrBlocked = errors.New("fetch: destination blocked")

// ErrUnreachable means the request failed for any other reason: DNS,
// connect, TLS, timeout, too many redirects, a broken body.
var ErrUnreachable = errors.New("fetch: destination unreachable")

// Request describes one outbound request.
type Request struct {
	URL string
	// Purpose says why Quire fetches, e.g. "pingback verification"; it goes
	// into the User-Agent.
	Purpose string
	// Requester is the IP address of whoever made Quire fetch; it goes into
	// the User-Agent so a victim of reflection can see who aimed at them.
	Requester string
	// Method is GET (default) or POST.
	Method      string
	Body        []byte
	ContentType string
	Accept      string
}

// Response is a fetched response with its (possibly truncated) body.
type Response struct {
	URL       *url.URL // final URL after redirects
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool // the body was longer than Config.MaxBody
}

// Get fetches rawURL with GET.
func (c *Client) Get(ctx context.Context, rawURL, purpose, requester string) (*Response, error) {
	return c.Do(ctx, Request{URL: rawURL, Purpose: purpose, Requester: requester})
}

// Do performs req under the guard and limits. Any error wraps ErrBlocked or
// ErrUnreachable, except for a Method other than GET or POST, which is a
// programming error. Non-2xx statuses are not errors.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if method != http.MethodGet && method != http.MethodPost {
		return nil, fmt.Errorf("fetch: method %q not supported", req.Method)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		// What we cannot parse we cannot judge; refuse it.
		return nil, blocked("unparsable URL: %v", err)
	}
	if err := c.checkURL(u); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	select {
	case c.global <- struct{}{}:
		defer func() { <-c.global }()
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: waiting for a slot: %v", ErrUnreachable, ctx.Err())
	}

	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body) // bytes.Reader lets 307/308 replay it
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, blocked("bad request: %v", err)
	}
	hreq.Header.Set("User-Agent", c.userAgent(req.Purpose, req.Requester))
	if req.Accept != "" {
		hreq.Header.Set("Accept", clean(req.Accept))
	} else {
		hreq.Header.Set("Accept", "*/*")
	}
	if req.ContentType != "" {
		hreq.Header.Set("Content-Type", clean(req.ContentType))
	}

	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	// Reading one byte past the cap tells "exactly MaxBody" from "more".
	// resp.Body is already gunzipped by the transport, so this also caps
	// decompression bombs.
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading body: %v", ErrUnreachable, err)
	}
	out := &Response{URL: resp.Request.URL, Status: resp.StatusCode, Header: resp.Header, Body: data}
	if int64(len(data)) > c.cfg.MaxBody {
		out.Body, out.Truncated = data[:c.cfg.MaxBody], true
	}
	return out, nil
}

// classify makes every transport error wrap exactly one of the sentinels.
// Errors from the guard and the dialer already do (through *url.Error and
// *net.OpError); anything else is ErrUnreachable.
func classify(err error) error {
	if errors.Is(err, ErrBlocked) || errors.Is(err, ErrUnreachable) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnreachable, err)
}

// userAgent builds the honest User-Agent: who we are, why we fetch, and on
// whose request.
func (c *Client) userAgent(purpose, requester string) string {
	ua := clean(c.cfg.UserAgent)
	if p := clean(purpose); p != "" {
		ua += "; " + p
	}
	if r := clean(requester); r != "" {
		ua += " requested by " + r
	}
	return ua
}

// clean removes control characters so a caller-supplied string cannot split
// or corrupt a header line.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s))
}
