package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
)

// hentry is a source page with an h-entry by author that links to target.
func hentry(title, author, content, target string) string {
	return `<!doctype html><html><head><title>` + title + `</title></head><body>
<article class="h-entry"><h1 class="p-name">` + title + `</h1>
<a class="p-author h-card" href="https://author.invalid/">` + author + `</a>
<div class="e-content"><p>` + content + ` <a href="` + target + `">the post</a>.</p></div></article></body></html>`
}

// TestWebmentionReceiver rebuilds webmention.rocks receiver tests 1–2 and
// the update and delete behaviour of a receiver.
func TestWebmentionReceiver(t *testing.T) {
	e, src, p, _ := pingbackFixture(t)
	ctx := context.Background()
	target := e.TS.URL + p.Path()

	// Receiver #2: the sender's mistakes are 400 with a reason.
	for _, c := range [][2]string{
		{"not a url", target}, {"ftp://127.0.0.2/x", target}, {src.URL + "/a", "not a url"},
		{"nope", "nope"}, {target, target}, {src.URL + "/a", "http://blog.invalid/posts/x"},
		{src.URL + "/a", e.TS.URL + "/"}, {"", target},
	} {
		res, body := e.mention(c[0], c[1])
		if res.StatusCode != http.StatusBadRequest || len(strings.TrimSpace(body)) < 10 {
			t.Errorf("source %q target %q: %d %q", c[0], c[1], res.StatusCode, body)
		}
	}

	// Receiver #1: 201 with a Location that shows the status.
	source := src.set("/entry", 200, hentry("First thoughts", "Ada Author", "Good points in", target))
	res, _ := e.mention(source, target)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(loc, e.TS.URL+"/webmention/status/") {
		t.Fatalf("accept: %d Location %q", res.StatusCode, loc)
	}
	status := func() string {
		r, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		return strings.Join(strings.Fields(Doc(t, r).Find(".webmention-status").Text()), " ")
	}
	eventually(t, "verification", func() bool { return strings.Contains(status(), "Verified") })
	if got := e.linkbackRows(p); len(got) != 1 || got[0] != "webmention held First thoughts" {
		t.Fatalf("mentions %q", got)
	}
	var id int64
	_ = e.Store.Pool.QueryRow(ctx, `SELECT id FROM comments WHERE kind = 'webmention'`).Scan(&id)
	if _, err := e.Srv.comments.Moderate(ctx, &account.User{Role: account.Admin}, []int64{id}, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	d := e.page(e.Client(), p.Path())
	txt := strings.Join(strings.Fields(d.Find(".comment.linkback").Text()), " ")
	if !strings.Contains(txt, "Mentioned by Ada Author in First thoughts") || !strings.Contains(txt, "Good points in the post") {
		t.Errorf("thread shows %q", txt)
	}

	// Update: the source changes and re-sends; the mention follows.
	src.set("/entry", 200, hentry("Second thoughts", "Ada Author", "Better points in", target))
	if res, _ := e.mention(source, target); res.StatusCode != http.StatusCreated {
		t.Fatalf("re-send: %d", res.StatusCode)
	}
	eventually(t, "update", func() bool {
		got := e.linkbackRows(p)
		return len(got) == 1 && got[0] == "webmention approved Second thoughts"
	})

	// Delete: a source that answers 410 takes its mention away.
	src.set("/entry", http.StatusGone, "<p>Deleted.</p>")
	e.mention(source, target)
	eventually(t, "deletion", func() bool { return len(e.linkbackRows(p)) == 0 })
	if s := status(); !strings.Contains(s, "Removed") {
		t.Errorf("status after delete %q", s)
	}

	// A source that stops linking also takes its mention away.
	other := src.set("/other", 200, hentry("Other", "Bo", "See", target))
	e.mention(other, target)
	eventually(t, "second mention", func() bool { return len(e.linkbackRows(p)) == 1 })
	src.set("/other", 200, "<p>I changed my mind; no link.</p>")
	e.mention(other, target)
	eventually(t, "unlinked mention removed", func() bool { return len(e.linkbackRows(p)) == 0 })
}

// TestOneGetPerHour: a pingback and a webmention for the same (source,
// target), and any number of re-sends, cost the source one GET per hour.
func TestOneGetPerHour(t *testing.T) {
	src := newSourceSite(t, "127.0.0.2:0")
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{src.port()}, Interval: time.Hour})
	p := e.publish(e.MustUser("ann", account.Author), "Target", "<p>x</p>")
	target := e.TS.URL + p.Path()
	source := src.set("/s", 200, linking("Both", target))
	if f, _ := e.ping(source, target); f != nil {
		t.Fatalf("ping: %v", f)
	}
	// The webmention twin is verified from the pingback's GET …
	e.mention(source, target)
	eventually(t, "the twin webmention", func() bool { return len(e.linkbackRows(p)) == 2 })
	// … but re-sends announce changes, which wait for the next allowed GET.
	for range 5 {
		e.mention(source, target)
	}
	time.Sleep(500 * time.Millisecond)
	if n := src.count("/s"); n != 1 {
		t.Errorf("%d GETs of the source, want 1", n)
	}
	var state string
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT state FROM linkbacks_in WHERE kind = 'webmention'`).Scan(&state)
	if state != "pending" {
		t.Errorf("re-sent webmention is %s, want pending until the next GET", state)
	}
}
