package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// receiver is another blog on 127.0.0.2 that advertises both endpoints on
// /t/* pages (or none on /plain/*, a fault on /refuse/*) and records what
// it is sent.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	pings []string // "pingback TARGET" / "webmention TARGET"
}

func newReceiver(t *testing.T) *receiver {
	rv := &receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /t/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pingback", rv.URL+"/xmlrpc")
		w.Header().Set("Link", `</wm>; rel="webmention"`)
		io.WriteString(w, "<title>t</title><p>A page.</p>")
	})
	mux.HandleFunc("GET /plain/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<p>No endpoints.</p>") })
	mux.HandleFunc("GET /refuse/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Pingback", rv.URL+"/xmlrpc-refuse")
		io.WriteString(w, "<p>Refuses.</p>")
	})
	mux.HandleFunc("POST /xmlrpc", func(w http.ResponseWriter, r *http.Request) {
		call, err := linkback.DecodeMethodCall(r.Body)
		if err != nil || len(call.Params) != 2 {
			http.Error(w, "bad", 400)
			return
		}
		rv.record("pingback " + call.Params[1].(string))
		b, _ := linkback.MarshalResponse("thanks")
		w.Write(b)
	})
	mux.HandleFunc("POST /xmlrpc-refuse", func(w http.ResponseWriter, r *http.Request) {
		w.Write(linkback.MarshalFault(17, "No link here."))
	})
	mux.HandleFunc("POST /wm", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		rv.record("webmention " + r.PostForm.Get("target"))
		w.WriteHeader(http.StatusAccepted)
	})
	rv.Server = httptest.NewUnstartedServer(mux)
	rv.Listener.Close()
	rv.Listener = listen(t, "127.0.0.2:0")
	rv.Start()
	t.Cleanup(rv.Close)
	return rv
}

func (rv *receiver) record(s string) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	rv.pings = append(rv.pings, s)
}

// take returns what was received since the last take, sorted.
func (rv *receiver) take() []string {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	out := rv.pings
	rv.pings = nil
	slices.Sort(out)
	return out
}

// waitFor waits until want (sorted) has been received, then checks
// nothing more arrives for a moment.
func (rv *receiver) waitFor(t *testing.T, what string, want ...string) {
	t.Helper()
	var got []string
	eventually(t, what, func() bool {
		rv.mu.Lock()
		n := len(rv.pings)
		rv.mu.Unlock()
		return n >= len(want)
	})
	time.Sleep(150 * time.Millisecond)
	got = rv.take()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: received %q, want %q", what, got, want)
	}
}

// TestSendUpdateDelete rebuilds webmention.rocks update 1 and 2 and
// delete 1 from the sender's side, with pingbacks sent once per link.
func TestSendUpdateDelete(t *testing.T) {
	rv := newReceiver(t)
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{portOfAddr(rv.Listener.Addr())}, Send: true})
	ann := e.MustUser("ann", account.Author)
	t1, t2 := rv.URL+"/t/1", rv.URL+"/t/2"
	link := func(u string) string { return fmt.Sprintf(`<a href="%s">%s</a> `, u, u) }

	p := e.publish(ann, "Links", "<p>"+link(t1)+"</p>")
	rv.waitFor(t, "publish", "pingback "+t1, "webmention "+t1)

	// Update 1: a new link gets both; the kept one the webmention again.
	e.rewrite(p, "<p>"+link(t1)+link(t2)+"</p>")
	rv.waitFor(t, "update adding a link", "pingback "+t2, "webmention "+t1, "webmention "+t2)

	// Update 2: a removed link still gets a webmention.
	e.rewrite(p, "<p>"+link(t2)+"</p>")
	rv.waitFor(t, "update removing a link", "webmention "+t1, "webmention "+t2)

	// Saving without a change sends nothing.
	e.rewrite(p, "<p>"+link(t2)+"</p>")
	time.Sleep(300 * time.Millisecond)
	if got := rv.take(); len(got) != 0 {
		t.Fatalf("unchanged save sent %q", got)
	}

	// Delete 1: the trashed post answers 410 and its links are told.
	if err := store.SetPostStatus(context.Background(), e.Store.Pool, e.Srv.publishing.Jobs, ann.ID, p.ID, post.Trashed, nil); err != nil {
		t.Fatal(err)
	}
	rv.waitFor(t, "delete", "webmention "+t2)
	if res := e.Get(e.Client(), p.Path()); res.StatusCode != http.StatusGone {
		t.Errorf("trashed post: HTTP %d, want 410", res.StatusCode)
	}
}

// TestSendStatuses: the editor's list says sent, fault N, no endpoint and
// retrying; and QUIRE_SEND_LINKBACKS=false sends nothing at all.
func TestSendStatuses(t *testing.T) {
	rv := newReceiver(t)
	dead := closedPort(t, "127.0.0.2")
	ports := []int{portOfAddr(rv.Listener.Addr()), dead}
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: ports, Send: true})
	ann := e.MustUser("ann", account.Author)
	down := fmt.Sprintf("http://127.0.0.2:%d/x", dead)
	body := fmt.Sprintf(`<p><a href="%s/t/1">a</a> <a href="%s/plain/1">b</a> <a href="%s/refuse/1">c</a> <a href="%s">d</a></p>`,
		rv.URL, rv.URL, rv.URL, down)
	p := e.publish(ann, "Statuses", body)
	c := e.Client()
	e.SignIn(c, "ann")
	want := map[string]string{
		rv.URL + "/t/1": "sent", rv.URL + "/plain/1": "no endpoint", rv.URL + "/refuse/1": "fault 17", down: "retrying",
	}
	eventually(t, "the editor's list", func() bool {
		d := e.page(c, "/admin/posts/"+itoa(p.ID))
		ok := true
		for target, state := range want {
			row := d.Find(`.linkbacks-out tr:has(a[href="` + target + `"]) td`).Eq(1)
			if txt := row.Text(); len(txt) < len(state) || txt[:len(state)] != state {
				ok = false
			}
		}
		return ok
	})

	quiet := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: ports, Send: false})
	q := quiet.publish(quiet.MustUser("ann", account.Author), "Quiet", `<p><a href="`+rv.URL+`/t/9">x</a></p>`)
	rv.take()
	time.Sleep(500 * time.Millisecond)
	if got := rv.take(); len(got) != 0 {
		t.Errorf("QUIRE_SEND_LINKBACKS=false sent %q", got)
	}
	if rows, _ := store.OutLinkbacks(context.Background(), quiet.Store.Pool, q.ID); len(rows) != 0 {
		t.Errorf("QUIRE_SEND_LINKBACKS=false recorded %d outgoing linkbacks", len(rows))
	}
}

// TestSendScheduled: a post scheduled for later notifies its links at its
// publication time, not when it is saved.
func TestSendScheduled(t *testing.T) {
	rv := newReceiver(t)
	e := newLinkbackEnv(t, listen(t, "127.0.0.1:0"), linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{portOfAddr(rv.Listener.Addr())}, Send: true})
	ann := e.MustUser("ann", account.Author)
	target := rv.URL + "/t/later"
	p := &post.Post{AuthorID: ann.ID, Title: "Later", Format: post.HTML, BodySource: `<p><a href="` + target + `">x</a></p>`,
		Status: post.Scheduled, PublishedAt: time.Now().Add(1500 * time.Millisecond), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, e.Srv.publishing.Jobs, ann.ID, p); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if got := rv.take(); len(got) != 0 {
		t.Fatalf("sent before publication: %q", got)
	}
	rv.waitFor(t, "publication", "pingback "+target, "webmention "+target)
}
