package fetch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBodyCap(t *testing.T) {
	e := newEnv(t)
	const max = 1000
	c := e.client(t, func(cfg *Config) { cfg.MaxBody = max })
	tests := []struct {
		path      string
		len       int
		truncated bool
	}{
		{"/big?n=10", 10, false},
		{fmt.Sprintf("/big?n=%d", max), max, false},
		{fmt.Sprintf("/big?n=%d", max+1), max, true},
		{"/big?n=5000000", max, true},
		// 4 MB of zeros compresses to ~4 kB: the cap applies after decoding.
		{"/gzip?n=4000000", max, true},
		{"/gzip?n=10", 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := c.Get(context.Background(), e.url(tt.path), "test", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body) != tt.len || resp.Truncated != tt.truncated {
				t.Errorf("len %d truncated %v, want %d %v", len(resp.Body), resp.Truncated, tt.len, tt.truncated)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := New(Config{})
	if c.cfg.MaxBody != 1<<20 || c.cfg.Timeout != 5*time.Second || c.cfg.MaxRedirects != 5 ||
		c.cfg.PerHost != 2 || c.cfg.MaxConcurrent != 16 || c.cfg.UserAgent != "Quire" {
		t.Errorf("defaults: %+v", c.cfg)
	}
	if c.tr.Proxy != nil {
		t.Error("transport has a proxy func")
	}
}

func TestRedirects(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, func(cfg *Config) { cfg.MaxRedirects = 3 })
	tests := []struct {
		path string
		ok   bool
	}{
		{"/chain?n=3", true},
		{"/chain?n=4", false},
		{"/loop", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := c.Get(context.Background(), e.url(tt.path), "test", "")
			if tt.ok {
				if err != nil || string(resp.Body) != "end" {
					t.Fatalf("got %v, %v", resp, err)
				}
				return
			}
			if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBlocked) {
				t.Errorf("err = %v, want ErrUnreachable", err)
			}
		})
	}

	none := e.client(t, func(cfg *Config) { cfg.MaxRedirects = -1 })
	resp, err := none.Get(context.Background(), e.url("/chain?n=1"), "test", "")
	if err != nil || resp.Status != 302 {
		t.Errorf("MaxRedirects<0: got %v, %v; want the 302", resp, err)
	}
}

func TestTimeout(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond })
	for _, path := range []string{"/slow", "/slowbody"} {
		t.Run(path, func(t *testing.T) {
			start := time.Now()
			_, err := c.Get(context.Background(), e.url(path), "test", "")
			if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrBlocked) {
				t.Errorf("err = %v, want ErrUnreachable", err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	if n := c.hostSlotsInUse(); n != 0 {
		t.Errorf("%d host semaphores left after timeouts", n)
	}
	// The caller's own context still applies.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, e.url("/ok"), "test", ""); !errors.Is(err, ErrUnreachable) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

func TestConcurrencyCaps(t *testing.T) {
	tests := []struct {
		name          string
		perHost, glob int
		hosts         []string
		want          int64
	}{
		{"per host", 2, 16, []string{"127.0.0.2"}, 2},
		{"global", 16, 3, []string{"127.0.0.2", "good.test", "dual.test"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.client(t, func(cfg *Config) { cfg.PerHost, cfg.MaxConcurrent = tt.perHost, tt.glob })
			var wg sync.WaitGroup
			for i := range 8 {
				u := e.expand(fmt.Sprintf("http://%s:PORT/count", tt.hosts[i%len(tt.hosts)]))
				wg.Go(func() {
					if _, err := c.Get(context.Background(), u, "test", ""); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if got := e.maxFlight.Load(); got != tt.want {
				t.Errorf("max concurrent handlers %d, want %d", got, tt.want)
			}
			if n := c.hostSlotsInUse(); n != 0 {
				t.Errorf("%d host semaphores left after all requests", n)
			}
		})
	}
}

func TestUserAgentAndRequest(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"ua", Request{URL: e.url("/ua"), Purpose: "pingback verification", Requester: "198.51.100.7"},
			"QuireTest/1.0 (+https://blog.invalid); pingback verification requested by 198.51.100.7"},
		{"ua no requester", Request{URL: e.url("/ua"), Purpose: "webmention discovery"},
			"QuireTest/1.0 (+https://blog.invalid); webmention discovery"},
		{"ua header injection", Request{URL: e.url("/ua"), Purpose: "x\r\nX-Evil: 1", Requester: "1.2.3.4\n"},
			"QuireTest/1.0 (+https://blog.invalid); xX-Evil: 1 requested by 1.2.3.4"},
		{"post", Request{URL: e.url("/echo"), Method: "post", Body: []byte("source=a&target=b"),
			ContentType: "application/x-www-form-urlencoded", Accept: "text/plain"},
			"POST application/x-www-form-urlencoded text/plain source=a&target=b"},
		{"post through 307", Request{URL: e.url("/redirect?code=307&to=/echo"), Method: "POST", Body: []byte("x=1"), ContentType: "text/plain"},
			"POST text/plain */* x=1"},
		{"get default accept", Request{URL: e.url("/echo")}, "GET  */* "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Do(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(resp.Body); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	if _, err := c.Do(context.Background(), Request{URL: e.url("/ok"), Method: "DELETE"}); err == nil ||
		errors.Is(err, ErrBlocked) || errors.Is(err, ErrUnreachable) {
		t.Errorf("DELETE: %v", err)
	}
}

func TestStatusIsNotError(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	for _, code := range []int{404, 410, 500} {
		resp, err := c.Get(context.Background(), e.url(fmt.Sprintf("/status?code=%d", code)), "test", "")
		if err != nil || resp.Status != code {
			t.Errorf("code %d: %v, %v", code, resp, err)
		}
	}
}

func TestErrorsNameOneSentinel(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, nil)
	for _, u := range []string{"http://nosuch.test/", "http://127.0.0.1/", "%zz"} {
		_, err := c.Get(context.Background(), u, "test", "")
		if errors.Is(err, ErrBlocked) == errors.Is(err, ErrUnreachable) {
			t.Errorf("%q: %v wraps neither or both sentinels", u, err)
		}
		if strings.Count(err.Error(), "fetch: destination") != 1 {
			t.Errorf("%q: message %q", u, err)
		}
	}
}
