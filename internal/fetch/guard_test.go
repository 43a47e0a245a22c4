package fetch

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"testing"
)

// hostileURLs must all be refused with ErrBlocked. PORT is the port shared by
// the allowed server and the sentinels; BADPORT is a port not allowed.
func hostileURLs() []string {
	direct := []string{
		"http://127.0.0.1:PORT/",
		"http://localhost:PORT/",
		"http://LocalHost.:PORT/",
		"http://app.localhost:PORT/",
		"http://2130706433:PORT/", // decimal
		"http://0x7f.0.0.1:PORT/", // hex
		"http://0x7f000001:PORT/", // hex, one number
		"http://0177.0.0.1:PORT/", // octal
		"http://127.1:PORT/",      // short form
		"http://127.0.0.1.:PORT/", // trailing dot
		"http://①②⑦.0.0.①:PORT/",  // IDNA digits
		"http://[::1]:PORT/",      // IPv6 loopback
		"http://[::ffff:127.0.0.1]:PORT/",
		"http://[::ffff:7f00:1]:PORT/",
		"http://[::127.0.0.1]:PORT/",     // IPv4-compatible
		"http://[64:ff9b::7f00:1]:PORT/", // NAT64
		"http://[2002:7f00:1::1]:PORT/",  // 6to4 around 127.0.0.1
		"http://[fe80::1%25lo]:PORT/",    // link-local with zone
		"http://0.0.0.0:PORT/",           // reaches localhost on Linux
		"http://[::]:PORT/",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/",
		"http://172.16.0.1/",
		"http://192.168.1.1/",
		"http://100.64.0.1/",
		"http://192.0.0.1/",
		"http://198.18.0.1/",
		"http://240.0.0.1/",
		"http://224.0.0.1/",
		"http://255.255.255.255/",
		"https://10.0.0.1/",
		"http://[fd00::1]/",
		"http://[fe80::1]/",
		"http://[fec0::1]/",
		"http://[ff02::1]/",
		"http://loop.test:PORT/",    // resolves to 127.0.0.1
		"http://v6loop.test:PORT/",  // resolves to ::1
		"http://mapped.test:PORT/",  // resolves to ::ffff:127.0.0.1
		"http://meta.test/",         // resolves to 169.254.169.254
		"http://private.test/",      // resolves to 10.0.0.1 and fd00::1
		"ftp://127.0.0.2:PORT/",     // scheme
		"file:///etc/passwd",        // scheme
		"gopher://127.0.0.2:PORT/_", // scheme
		"http://127.0.0.2:BADPORT/", // port not allowed
		"http://127.0.0.2:0/",
		"http://user:pw@127.0.0.2:PORT/ok", // userinfo
		"http:127.0.0.2:PORT",              // opaque
		"http:///ok",                       // no host
	}
	// Each of these is first fetched from the allowed server, which then
	// redirects: the guard must stop the hop.
	hops := []string{
		"http://127.0.0.1:PORT/",
		"http://[::1]:PORT/",
		"http://localhost:PORT/",
		"http://loop.test:PORT/",
		"http://10.0.0.1/",
		"http://169.254.169.254/",
		"file:///etc/passwd",
		"http://127.0.0.2:BADPORT/",
	}
	for _, h := range hops {
		direct = append(direct, "http://127.0.0.2:PORT/redirect?to="+url.QueryEscape(h))
		direct = append(direct, "http://127.0.0.2:PORT/redirect?code=307&to="+url.QueryEscape(h))
	}
	return direct
}

func TestHostileRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	for _, raw := range hostileURLs() {
		u := e.expand(raw)
		t.Run(raw, func(t *testing.T) {
			resp, err := c.Get(context.Background(), u, "test", "192.0.2.1")
			if !errors.Is(err, ErrBlocked) || errors.Is(err, ErrUnreachable) {
				t.Errorf("Get(%q) = %v, %v; want ErrBlocked only", u, resp, err)
			}
			e.checkNoStray(t)
			if s := e.strays(); len(s) > 0 {
				t.Errorf("guard let dials through to %v", s)
			}
		})
	}
	if n := c.hostSlotsInUse(); n != 0 {
		t.Errorf("%d host semaphores left: a refused hop leaked its slot", n)
	}
}

func TestAllowedDestinations(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	tests := []struct{ url, final string }{
		{"http://127.0.0.2:PORT/ok", "http://127.0.0.2:PORT/ok"},
		{"http://good.test:PORT/ok", "http://good.test:PORT/ok"},
		{"http://GOOD.test.:PORT/ok", "http://GOOD.test.:PORT/ok"},
		{"http://[::ffff:127.0.0.2]:PORT/ok", "http://[::ffff:127.0.0.2]:PORT/ok"},
		// 127.0.0.1 comes first and is refused at dial time; 127.0.0.2 is used.
		{"http://dual.test:PORT/ok", "http://dual.test:PORT/ok"},
		{"http://127.0.0.2:PORT/redirect?to=/ok", "http://127.0.0.2:PORT/ok"},
		{"http://127.0.0.2:PORT/redirect?to=http://good.test:PORT/ok", "http://good.test:PORT/ok"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			resp, err := c.Get(context.Background(), e.expand(tt.url), "test", "192.0.2.1")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if string(resp.Body) != "ok" || resp.Status != 200 {
				t.Errorf("got %d %q", resp.Status, resp.Body)
			}
			if got, want := resp.URL.String(), e.expand(tt.final); got != want {
				t.Errorf("final URL %s, want %s", got, want)
			}
			e.checkNoStray(t)
		})
	}
}

func TestIsAllowedAddr(t *testing.T) {
	c := New(Config{AllowCIDRs: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.2/32"),
		netip.MustParsePrefix("::ffff:10.9.0.0/112"), // mapped form, unmapped by New
		netip.MustParsePrefix("0.0.0.0/0"),           // must not let the unspecified address through
	}})
	strict := New(Config{})
	tests := []struct {
		ip            string
		strict, loose bool
	}{
		{"8.8.8.8", true, true},
		{"1.1.1.1", true, true},
		{"2606:4700::1111", true, true},
		{"::ffff:8.8.8.8", true, true},
		{"2002:808:808::1", true, true}, // 6to4 around a public address
		{"127.0.0.2", false, true},
		{"::ffff:127.0.0.2", false, true},
		{"10.9.1.1", false, true},
		{"127.0.0.1", false, true}, // loose allows 0.0.0.0/0
		{"0.0.0.0", false, false},
		{"255.255.255.255", false, false},
		{"224.0.0.1", false, false},
		{"10.0.0.1", false, true},
		{"172.31.255.255", false, true},
		{"172.32.0.1", true, true},
		{"192.168.0.1", false, true},
		{"100.64.0.1", false, true},
		{"100.128.0.1", true, true},
		{"169.254.169.254", false, true},
		{"192.0.0.8", false, true},
		{"198.19.255.255", false, true},
		{"240.0.0.1", false, true},
		{"0.1.2.3", false, true},
		{"::", false, false},
		{"::1", false, false},
		{"::127.0.0.1", false, false},
		{"::ffff:127.0.0.1", false, true},
		{"::ffff:7f00:1", false, true},
		{"64:ff9b::808:808", false, false},
		{"2002:7f00:1::", false, false},
		{"2002:a00:1::", false, false},
		{"2001::1", false, false},      // Teredo
		{"2001:db8::1", false, false},  // documentation
		{"fd00::1", false, false},      // ULA
		{"fc00::1", false, false},      // ULA
		{"fe80::1", false, false},      // link-local
		{"fe80::1%eth0", false, false}, // with zone
		{"fec0::1", false, false},      // site-local
		{"ff02::1", false, false},      // multicast
		{"100::1", false, false},       // discard
		{"4000::1", false, false},      // outside 2000::/3
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		if got := strict.IsAllowedAddr(ip); got != tt.strict {
			t.Errorf("strict IsAllowedAddr(%s) = %v, want %v", ip, got, tt.strict)
		}
		if got := c.IsAllowedAddr(ip); got != tt.loose {
			t.Errorf("loose IsAllowedAddr(%s) = %v, want %v", ip, got, tt.loose)
		}
	}
	if strict.IsAllowedAddr(netip.Addr{}) {
		t.Error("zero Addr allowed")
	}
}

// TestDialTimeCheck bypasses the URL guard and calls the dialer directly:
// Control alone must refuse the connection.
func TestDialTimeCheck(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	for _, addr := range []string{
		e.expand("127.0.0.1:PORT"),
		e.expand("[::1]:PORT"),
		e.expand("[::ffff:127.0.0.1]:PORT"),
		e.expand("loop.test:PORT"),
		e.expand("127.0.0.2:BADPORT"),
		"169.254.169.254:80",
		"10.0.0.1:443",
	} {
		conn, err := c.dialContext(context.Background(), "tcp", addr)
		if err == nil {
			conn.Close()
		}
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("dial %s: %v, want ErrBlocked", addr, err)
		}
	}
	e.checkNoStray(t)
	if s := e.strays(); len(s) > 0 {
		t.Errorf("guard let dials through to %v", s)
	}
}

// TestRebinding: the name is harmless when first resolved and loopback
// later. Only the address actually dialled counts.
func TestRebinding(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	u := e.expand("http://rebind.test:PORT/ok")
	if _, err := c.Get(context.Background(), u, "test", ""); err != nil {
		t.Fatalf("first Get: %v", err)
	}
	c.CloseIdleConnections() // force a new dial, hence a new lookup
	if _, err := c.Get(context.Background(), u, "test", ""); !errors.Is(err, ErrBlocked) {
		t.Fatalf("second Get: %v, want ErrBlocked", err)
	}
	if n := e.rebinds.Load(); n != 2 {
		t.Errorf("rebind.test resolved %d times, want 2 (once per dial, never separately)", n)
	}
	e.checkNoStray(t)
}

// TestNoProxyFromEnvironment: a proxy in the environment would receive the
// request and dial for us, unguarded.
func TestNoProxyFromEnvironment(t *testing.T) {
	e := newEnv(t)
	proxy := e.expand("http://127.0.0.1:PORT")
	t.Setenv("HTTP_PROXY", proxy)
	t.Setenv("http_proxy", proxy)
	t.Setenv("NO_PROXY", "")
	c := e.client(t, nil)
	if _, err := c.Get(context.Background(), e.url("/ok"), "test", ""); err != nil {
		t.Fatalf("Get: %v", err)
	}
	e.checkNoStray(t)
}

// TestInvalidTLD: .invalid fails locally, without asking any resolver.
func TestInvalidTLD(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, func(cfg *Config) { cfg.AllowPorts = nil })
	_, err := c.Get(context.Background(), "http://blog.invalid/post", "test", "")
	if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBlocked) {
		t.Errorf("err = %v, want ErrUnreachable", err)
	}
	if n := e.resolves.Load(); n != 0 {
		t.Errorf("resolver called %d times", n)
	}
}

func TestParseAllowCIDRs(t *testing.T) {
	got, err := ParseAllowCIDRs("127.0.0.2/32, ::1 10.1.2.3/8")
	want := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.2/32"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("10.0.0.0/8"),
	}
	if err != nil || len(got) != len(want) {
		t.Fatalf("got %v, %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := ParseAllowCIDRs("127.0.0.300/32"); err == nil {
		t.Error("bad prefix accepted")
	}
	if got, err := ParseAllowCIDRs(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
}
