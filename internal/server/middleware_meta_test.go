package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestClientMeta checks the client address each request is given (the
// peer, or the X-Forwarded-For hop a trusted proxy vouches for: rate
// limits and the moderation queue key on it) and its request id.
func TestClientMeta(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tt := range []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"no proxies: the peer", nil, "203.0.113.7:4000", nil, "203.0.113.7"},
		{"no proxies: a forged header is ignored", nil, "203.0.113.7:4000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"untrusted peer: its header is ignored", proxies, "203.0.113.7:4000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"trusted peer: the client it names", proxies, "10.1.2.3:4000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a chain: the rightmost untrusted hop", proxies, "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"several headers read as one list", proxies, "10.1.2.3:4000", []string{"1.1.1.1", "198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"garbage stops the walk at the last good hop", proxies, "10.1.2.3:4000", []string{"1.1.1.1, nonsense, 10.9.9.9"}, "10.9.9.9"},
		{"trusted peer, no header: the peer", proxies, "10.1.2.3:4000", nil, "10.1.2.3"},
		{"IPv6 peer", proxies, "[2001:db8::5]:4000", nil, "2001:db8::5"},
		{"IPv4-mapped IPv6 is unmapped", nil, "[::ffff:203.0.113.7]:4000", nil, "203.0.113.7"},
		{"IPv6 proxy", proxies, "[::1]:4000", []string{"198.51.100.1"}, "198.51.100.1"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tt.remote
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		m := metaMaker(tt.trusted)(r)
		if m.ip.String() != tt.want {
			t.Errorf("%s: client %s, want %s", tt.name, m.ip, tt.want)
		}
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(m.id) {
			t.Errorf("%s: request id %q", tt.name, m.id)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if ClientIP(r.Context()).IsValid() || requestID(r.Context()) != "" {
		t.Error("a context without a meta should give no address and no id")
	}
}

// TestRequestLog: each request is one "request" line at info, with its
// route, status and request id; under a higher level none is built.
func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		level slog.Level
		lines int
	}{{slog.LevelInfo, 1}, {slog.LevelWarn, 0}} {
		var buf bytes.Buffer
		e.Srv.log = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tt.level}))
		rec := httptest.NewRecorder()
		e.Srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/signin", nil))
		lines := strings.Count(buf.String(), `"msg":"request"`)
		if lines != tt.lines {
			t.Fatalf("level %s: %d request lines, want %d:\n%s", tt.level, lines, tt.lines, buf.String())
		}
		if lines == 1 {
			for _, want := range []string{`"route":"/signin"`, `"status":200`, `"request_id":"` + rec.Header().Get("X-Request-Id") + `"`} {
				if !strings.Contains(buf.String(), want) {
					t.Errorf("request line lacks %s:\n%s", want, buf.String())
				}
			}
		}
	}
}

// TestFrontRecovers: a handler's panic becomes a 500 page, a "panic"
// line with the stack and the request's own line with its status and
// route; http.ErrAbortHandler goes on up to net/http, which drops the
// connection.
func TestFrontRecovers(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	e.Srv.log = slog.New(slog.NewJSONHandler(&buf, nil))
	router := chi.NewRouter()
	router.Use(noteRoute)
	router.Get("/boom/{n}", func(http.ResponseWriter, *http.Request) { panic("boom") })
	router.Get("/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	h := e.Srv.front(router)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom/1", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Something went wrong") {
		t.Errorf("panic: %d %q, want a 500 page", rec.Code, rec.Body.String())
	}
	id := rec.Header().Get("X-Request-Id")
	for _, want := range []string{`"msg":"panic"`, `"value":"boom"`, `"stack":"goroutine`, `"msg":"request"`,
		`"route":"/boom/{n}"`, `"status":500`, `"request_id":"` + id + `"`} {
		if id == "" || !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s (request id %q):\n%s", want, id, buf.String())
		}
	}
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("ErrAbortHandler: recovered %v, want it passed on", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/abort", nil))
	}()
}
