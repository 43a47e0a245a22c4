package pagecache

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func entry() *Entry {
	return NewEntry(http.Header{"Content-Type": {"text/html"}, "Set-Cookie": {"x=y"}}, []byte(strings.Repeat("<p>page</p>", 100)))
}

// TestStaleFillIsRefused: a page built while something changed is never
// stored, whatever changed; a page stored before a change is not served.
func TestStaleFillIsRefused(t *testing.T) {
	c := New(1<<20, time.Minute, nil)
	c.SetHorizon(c.Begin(), time.Time{})
	for name, change := range map[string]func(){
		"this thread":  func() { c.InvalidateThread(7) },
		"other thread": func() { c.InvalidateThread(8) },
		"site":         func() { c.InvalidateAll(); c.SetHorizon(c.Begin(), time.Time{}) },
	} {
		tk := c.Begin()
		change()
		if c.Put("/posts/a", tk, 7, entry()) {
			t.Errorf("%s changed during the build, yet the page was stored", name)
		}
	}
	if !c.Put("/posts/a", c.Begin(), 7, entry()) {
		t.Fatal("not stored")
	}
	if _, ok := c.Get("/posts/a"); !ok {
		t.Fatal("not served")
	}
	c.InvalidateThread(8)
	if _, ok := c.Get("/posts/a"); !ok {
		t.Fatal("another post's thread dropped it")
	}
	c.InvalidateThread(7)
	if _, ok := c.Get("/posts/a"); ok {
		t.Fatal("served after its thread changed")
	}
}

// TestHorizonDropsEverything: nothing is stored until the next scheduled
// publication is known, and everything goes when it comes.
func TestHorizonDropsEverything(t *testing.T) {
	now := time.Now()
	c := New(1<<20, time.Hour, func() time.Time { return now })
	if c.Put("/", c.Begin(), ScopeSite, entry()) || !c.NeedsHorizon() {
		t.Fatal("stored without a horizon")
	}
	c.SetHorizon(c.Begin(), now.Add(time.Minute))
	if !c.Put("/", c.Begin(), ScopeSite, entry()) {
		t.Fatal("not stored")
	}
	now = now.Add(59 * time.Second)
	if _, ok := c.Get("/"); !ok {
		t.Fatal("dropped early")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get("/"); ok || !c.NeedsHorizon() {
		t.Fatal("served after a scheduled post went live")
	}
}

// TestServeEncodings: Accept-Encoding picks the stored body; q=0 refuses.
func TestServeEncodings(t *testing.T) {
	e := entry()
	if e.Header.Get("Set-Cookie") != "" {
		t.Fatal("a cookie was kept")
	}
	for ae, want := range map[string]string{"br": "br", "gzip": "gzip", "gzip, br;q=0": "gzip", "br;q=0, gzip;q=0": "", "": "", "*": "br"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", ae)
		w := httptest.NewRecorder()
		e.Serve(w, r)
		if got := w.Header().Get("Content-Encoding"); got != want {
			t.Errorf("Accept-Encoding %q: %q, want %q", ae, got, want)
		}
	}
}
