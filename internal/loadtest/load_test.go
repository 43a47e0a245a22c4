package loadtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestLoadAgainstStatic runs a short load against the static baseline and
// refuses targets off loopback.
func TestLoadAgainstStatic(t *testing.T) {
	s, err := ServeStatic([]byte("<p>hello</p>"), "text/html")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body, ctype, err := Capture(context.Background(), s.URL, nil)
	if err != nil || string(body) != "<p>hello</p>" || ctype != "text/html" {
		t.Fatalf("capture: %q %q %v", body, ctype, err)
	}
	r, err := Load{URL: s.URL, Conns: 4, Duration: 300 * time.Millisecond, Header: http.Header{}}.Run(context.Background())
	if err != nil || r.Requests == 0 || r.Errors != 0 || r.P50 <= 0 || r.P99 < r.P50 {
		t.Fatalf("load: %+v %v", r, err)
	}
	for _, u := range []string{"http://192.0.2.1/", "http://example.invalid/", "http://0.0.0.0/"} {
		if _, err := (Load{URL: u, Conns: 1, Duration: time.Millisecond}).Run(context.Background()); err == nil {
			t.Errorf("%s: load allowed off loopback", u)
		}
	}
	if _, err := (Load{URL: s.URL, Conns: MaxConns + 1, Duration: time.Second}).Run(context.Background()); err == nil {
		t.Error("too many connections allowed")
	}
}

// TestLoadModes: a request count ends a run exactly, an open-loop run
// sends at its rate whatever the connections could do, and Check judges
// every answer.
func TestLoadModes(t *testing.T) {
	s, err := ServeStatic([]byte("ok"), "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	r, err := Load{URL: s.URL, Conns: 3, Duration: 10 * time.Second, Requests: 7}.Run(ctx)
	if err != nil || r.Requests != 7 || r.Errors != 0 {
		t.Fatalf("7 requests: %+v %v", r, err)
	}
	r, err = Load{URL: s.URL, Conns: 4, Duration: time.Second, Rate: 100}.Run(ctx)
	if err != nil || r.Requests < 80 || r.Requests > 101 || r.SentP50 <= 0 || r.P50 < r.SentP50/2 {
		t.Fatalf("open loop at 100/s for 1 s: %+v %v", r, err)
	}
	refuse := func(resp *http.Response, body []byte) error {
		if string(body) != "ok" {
			return errors.New("wrong body")
		}
		return errors.New("refused")
	}
	r, err = Load{URL: s.URL, Conns: 2, Duration: 10 * time.Second, Requests: 4, Check: refuse}.Run(ctx)
	if err != nil || r.Requests != 4 || r.Errors != 4 || r.FirstError != "refused" {
		t.Fatalf("check: %+v %v", r, err)
	}
	other := func(ctx context.Context, seq int) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.2:1/", nil)
	}
	r, _ = Load{URL: s.URL, Conns: 1, Duration: 10 * time.Second, Requests: 1, Build: other}.Run(ctx)
	if r.Errors != 1 {
		t.Fatalf("a built request to another host was sent: %+v", r)
	}
}
