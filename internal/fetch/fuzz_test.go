package fetch

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzGet feeds arbitrary URLs, directly and as a redirect target from the
// allowed server, and checks that nothing but the allowed server is ever
// connected to. The sentinels catch loopback connections; dialCheck catches
// every other dial the guard let through (public addresses are allowed by
// the guard but refused by the test hook, so nothing leaves the machine),
// and no such dial may be to a loopback, private, link-local, multicast or
// unspecified address, judged by the standard library rather than our list.
// PORT and BADPORT in inputs are replaced by the test ports.
func FuzzGet(f *testing.F) {
	for _, u := range hostileURLs() {
		f.Add(u)
	}
	for _, u := range []string{
		"http://127.0.0.2:PORT/ok", "http://good.test:PORT/ok", "http://dual.test:PORT/",
		"http://8.8.8.8/", "https://[2606:4700::1111]/", "http://example.invalid/",
		"HTTP://127.0.0.2:PORT/redirect?to=http://127.0.0.1:PORT/", "//127.0.0.1:PORT/",
		"http://127.0.0.1%2e:PORT/", "http://[::ffff:127.0.0.2]:PORT/ok", "http://0:PORT/",
	} {
		f.Add(u)
	}
	e := newEnv(f)
	c := e.client(f, func(cfg *Config) {
		cfg.Timeout = 300 * time.Millisecond
		cfg.MaxBody = 4096
	})
	f.Fuzz(func(t *testing.T, raw string) {
		u := e.expand(raw)
		for _, target := range []string{u, e.url("/redirect?to=" + url.QueryEscape(u))} {
			resp, err := c.Get(context.Background(), target, "fuzz", "")
			if err == nil {
				if h := strings.ToLower(resp.URL.Hostname()); h != "127.0.0.2" && h != "::ffff:127.0.0.2" &&
					!strings.HasPrefix(h, "good.test") && !strings.HasPrefix(h, "dual.test") {
					t.Errorf("%q: success at unexpected host %q", target, h)
				}
			}
		}
		for _, ap := range e.strays() {
			a := ap.Addr().Unmap()
			if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsMulticast() ||
				a.IsUnspecified() || a.IsInterfaceLocalMulticast() || a.IsLinkLocalMulticast() {
				t.Errorf("%q: guard allowed a dial to %s", u, ap)
			}
		}
		e.checkNoStray(t)
	})
}
