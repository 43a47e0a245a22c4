package loadtest

import (
	"context"
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
