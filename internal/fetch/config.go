package fetch

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxBody       = 1 << 20
	DefaultTimeout       = 5 * time.Second
	DefaultMaxRedirects  = 5
	DefaultPerHost       = 2
	DefaultMaxConcurrent = 16
	DefaultUserAgent     = "Quire"
)

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// AllowCIDRs are ranges that pass the address guard although loopback or
	// private: tests (127.0.0.2/32 as "the internet") and local peers.
	AllowCIDRs []netip.Prefix
	// AllowPorts are ports allowed besides 80 and 443.
	AllowPorts []int
	// UserAgent identifies Quire, e.g. "Quire/1.0 (+https://blog.example)";
	// each request appends its purpose and requester.
	UserAgent string
	// MaxBody caps the bytes read from a response body, after gzip decoding;
	// reading stops there and Response.Truncated is set. Default 1 MiB.
	MaxBody int64
	// Timeout bounds a whole Do: queueing, every redirect hop and the body.
	// Default 5s.
	Timeout time.Duration
	// MaxRedirects is the number of redirects followed before giving up with
	// ErrUnreachable. Default 5; negative follows none and returns the 3xx.
	MaxRedirects int
	// PerHost caps concurrent requests per destination host name. Default 2.
	PerHost int
	// MaxConcurrent caps concurrent requests of this Client. Default 16.
	MaxConcurrent int
	// Resolve replaces the system resolver, for tests that need a name to
	// resolve somewhere without DNS. Its answers are still checked at dial
	// time like any other.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Client performs guarded outbound requests. It is safe for concurrent use.
type Client struct {
	cfg    Config
	allow  []netip.Prefix
	deny   []netip.Prefix
	dialer *net.Dialer
	tr     *http.Transport
	hc     *http.Client
	global chan struct{}
	hosts  *hostSems

	// dialCheck, if set, is called from Control after the guard passed.
	// Tests use it as a second line that fails on any non-loopback dial.
	dialCheck func(netip.AddrPort) error
}

// New returns a Client for cfg, with defaults filled in.
func New(cfg Config) *Client {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.PerHost <= 0 {
		cfg.PerHost = DefaultPerHost
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if strings.TrimSpace(cfg.UserAgent) == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	c := &Client{
		cfg:    cfg,
		deny:   denyPrefixes(),
		global: make(chan struct{}, cfg.MaxConcurrent),
		hosts:  &hostSems{size: cfg.PerHost, m: map[string]*hostSem{}},
	}
	for _, p := range cfg.AllowCIDRs {
		if !p.IsValid() {
			continue
		}
		// Addresses are unmapped before matching, so unmap the prefix too.
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		c.allow = append(c.allow, p.Masked())
	}
	c.dialer = &net.Dialer{Control: c.control, Timeout: cfg.Timeout}
	c.tr = &http.Transport{
		Proxy:                  nil, // never honour HTTP_PROXY: it would dial for us, unguarded
		DialContext:            c.dialContext,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    cfg.PerHost,
		IdleConnTimeout:        30 * time.Second,
	}
	c.hc = &http.Client{
		Transport:     &guardedTransport{c: c, next: c.tr},
		CheckRedirect: c.checkRedirect,
		// No Jar: cookies from one stranger's site must not follow us around.
	}
	return c
}

// CloseIdleConnections closes pooled keep-alive connections.
func (c *Client) CloseIdleConnections() { c.tr.CloseIdleConnections() }

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if c.cfg.MaxRedirects < 0 {
		return http.ErrUseLastResponse
	}
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrUnreachable, c.cfg.MaxRedirects)
	}
	// The guard proper runs in guardedTransport on every hop; checking here
	// too gives the clearer error before any slot is taken.
	return c.checkURL(req.URL)
}

// ParseAllowCIDRs parses a comma- or space-separated list of prefixes, such
// as QUIRE_FETCH_ALLOW_CIDRS="127.0.0.2/32, ::1/128". A bare address counts
// as a single-address prefix.
func ParseAllowCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("fetch: allow CIDR %q: %v", f, err)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
