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
	if _, hit := c.Get("/posts/a"); hit != Fresh {
		t.Fatal("not served")
	}
	c.InvalidateThread(8)
	if _, hit := c.Get("/posts/a"); hit != Fresh {
		t.Fatal("another post's thread dropped it")
	}
	c.InvalidateThread(7)
	if _, hit := c.Get("/posts/a"); hit != Miss {
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
	if _, hit := c.Get("/"); hit != Fresh {
		t.Fatal("dropped early")
	}
	now = now.Add(time.Second)
	if _, hit := c.Get("/"); hit != Miss || !c.NeedsHorizon() {
		t.Fatal("served after a scheduled post went live")
	}
}

// TestPastTTL: an entry past its TTL is served only while another reader
// rebuilds it, only in its grace period, and never once something it
// shows changed; the rebuilt entry is fresh again.
func TestPastTTL(t *testing.T) {
	start := time.Now()
	for _, tc := range []struct {
		name     string
		age      time.Duration // since the entry was stored; the TTL is a minute, the grace 30 s
		building bool          // another reader holds Lead
		change   func(c *Cache)
		want     Hit
	}{
		{name: "young", age: 59 * time.Second, want: Fresh},
		{name: "young, being rebuilt anyway", age: 59 * time.Second, building: true, want: Fresh},
		{name: "past its TTL, nobody rebuilding: this reader leads", age: time.Minute, want: Miss},
		{name: "past its TTL while rebuilt", age: time.Minute, building: true, want: Stale},
		{name: "end of its grace while rebuilt", age: 89 * time.Second, building: true, want: Stale},
		{name: "past its grace while rebuilt", age: 90 * time.Second, building: true, want: Miss},
		{name: "its thread changed while rebuilt", age: time.Minute, building: true,
			change: func(c *Cache) { c.InvalidateThread(7) }, want: Miss},
		{name: "the site changed while rebuilt", age: time.Minute, building: true,
			change: func(c *Cache) { c.InvalidateAll(); c.SetHorizon(c.Begin(), time.Time{}) }, want: Miss},
		{name: "another thread changed while rebuilt", age: time.Minute, building: true,
			change: func(c *Cache) { c.InvalidateThread(8) }, want: Stale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := start
			c := New(1<<20, time.Minute, func() time.Time { return now })
			c.SetHorizon(c.Begin(), time.Time{})
			if !c.Put("/posts/a", c.Begin(), 7, entry()) {
				t.Fatal("not stored")
			}
			now = now.Add(tc.age)
			if tc.building {
				lead, _, done := c.Lead("/posts/a")
				if !lead {
					t.Fatal("no lead")
				}
				defer done()
			}
			if tc.change != nil {
				tc.change(c)
			}
			e, hit := c.Get("/posts/a")
			if hit != tc.want || (hit == Miss) != (e == nil) {
				t.Fatalf("Get: %v (entry %v), want %v", hit, e != nil, tc.want)
			}
		})
	}

	now := start
	c := New(1<<20, time.Minute, func() time.Time { return now })
	c.SetHorizon(c.Begin(), time.Time{})
	c.Put("/posts/a", c.Begin(), 7, entry())
	now = now.Add(2 * time.Minute)
	if !c.Put("/posts/a", c.Begin(), 7, entry()) {
		t.Fatal("the rebuilt page was not stored")
	}
	if _, hit := c.Get("/posts/a"); hit != Fresh {
		t.Fatalf("the rebuilt entry: %v, want Fresh", hit)
	}
	if s := c.Stats(); s.Hits != 1 || s.Stale != 0 {
		t.Fatalf("stats %+v", s)
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
