package server

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// commentList cuts the comments section out of a post page, up to the
// form (whose token differs on every render).
func commentList(t *testing.T, e *testEnv, path string) string {
	t.Helper()
	res := e.Get(e.Client(), path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	b := body(t, res)
	i := strings.Index(b, `<section id="comments"`)
	j := strings.Index(b, `<form`)
	if i < 0 || j < i {
		t.Fatalf("GET %s: no comments section", path)
	}
	return b[i:j]
}

// TestCommentSectionsFollowChangesAcrossNodes: node B keeps a busy post's
// comment list in its section cache (no page cache anywhere); what it
// serves is byte for byte what node C, without the cache, builds; every
// change made on node A or straight in the database shows on B at once,
// and so do relative dates moving on.
func TestCommentSectionsFollowChangesAcrossNodes(t *testing.T) {
	dbURL := storetest.URL(t)
	a, b, c := newNode(t, dbURL, true), newNode(t, dbURL, true), newNode(t, dbURL, false)
	if b.Srv.sections == nil || c.Srv.sections != nil {
		t.Fatal("want the section cache on the nodes with a bus only")
	}
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	b.Srv.now, c.Srv.now = now, now

	ctx := context.Background()
	ann := a.MustUser("ann", account.Author)
	p := a.MustPost(ann, "Busy", post.CommentsOpen)
	seedThread(t, a.Store, p.ID, ann.ID, 30)
	same := func(what string) {
		t.Helper()
		got, want := commentList(t, b, p.Path()), commentList(t, c, p.Path())
		if got != want {
			t.Fatalf("%s: the cached list differs (%d bytes, want %d)", what, len(got), len(want))
		}
	}
	// The seeding's own notices reach B's bus a moment later and may
	// drop the first stored list: views until one is served from the cache.
	fromCache := func(what string) {
		t.Helper()
		within(t, 5*time.Second, what, func() bool {
			h := b.Srv.sections.hits.Load()
			same(what)
			return b.Srv.sections.hits.Load() > h
		})
	}
	fromCache("a view from the section cache")
	shows := func(what, words string, present bool) {
		t.Helper()
		within(t, 5*time.Second, what, func() bool {
			return strings.Contains(commentList(t, b, p.Path()), words) == present
		})
		same(what)
	}

	mk := func(name string, st comment.Status, parent *store.NewComment) *store.NewComment {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: st,
			AuthorName: name, AuthorEmail: strings.ToLower(name) + "@mail.invalid", BodySource: "by " + name, BodyHTML: "<p>words of " + name + "</p>"}}
		if parent != nil {
			n.ParentID, n.Depth, n.ParentPath = comment.Attach(&parent.Comment, comment.MaxMaxDepth)
		}
		if err := store.CreateComment(ctx, a.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	held := mk("Hugo", comment.StatusHeld, nil)
	same("a held comment")
	a.MustUser("mo", account.Moderator)
	mod := a.Client()
	a.SignIn(mod, "mo")
	a.approve(mod, held.ID)
	shows("approved on node A", "words of Hugo", true)
	mk("Rita", comment.StatusApproved, held)
	shows("a reply", "words of Rita", true)
	if err := store.UpdateCommentBody(ctx, a.Store.Pool, held.ID, "x", "<p>second thoughts of Hugo</p>"); err != nil {
		t.Fatal(err)
	}
	shows("edited", "second thoughts of Hugo", true)
	if _, err := a.Store.Pool.Exec(ctx, `UPDATE comments SET status = 'trash' WHERE id = $1`, held.ID); err != nil {
		t.Fatal(err)
	}
	shows("removed (its reply an orphan)", "second thoughts of Hugo", false)
	if _, err := a.Store.Pool.Exec(ctx, `UPDATE posts SET slug = 'renamed' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	p.Slug = "renamed"
	shows("the post renamed: its reply links", "/posts/renamed?replyto=", true)
	if _, err := a.Store.Pool.Exec(ctx, `UPDATE posts SET comment_policy = 'closed' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	shows("comments closed: no reply links", "?replyto=", false)

	// A day and a half later every "1 day ago" reads "2 days ago": once the list
	// is served from the cache, move the clock; the list served next is
	// node C's of that moment, not the stored one, and is stored anew.
	fromCache("before the clock moves")
	clock.Add(int64(36 * time.Hour))
	same("a day and a half later")
	fromCache("stored again with the new words")
}

// TestCommentSectionsKeepNothingPersonal: a guest's page with their own
// editable comment is built afresh and never stored; a stranger's page of
// the same thread is, and the guest is never served it.
func TestCommentSectionsKeepNothingPersonal(t *testing.T) {
	e := newNode(t, storetest.URL(t), true)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Threads", post.CommentsOpen)
	seedThread(t, e.Store, p.ID, ann.ID, 5)
	e.Settings(func(s *commenting.Settings) { s.HoldFirstComment = false })

	guestC := e.Client()
	own := commentID(t, e.Comment(guestC, p, guest("Maria", "maria@mail.invalid", "Mine to edit.")))
	stored := e.Srv.sections.stores.Load() // the form was read before the comment
	editLink := "/comments/" + strconv.FormatInt(own, 10) + "/edit"
	for range 2 {
		if got := body(t, e.Get(guestC, p.Path())); !strings.Contains(got, editLink) || !strings.Contains(got, "Mine to edit.") {
			t.Fatal("the writer does not get the Edit link of their comment")
		}
	}
	if n := e.Srv.sections.stores.Load() - stored; n != 0 {
		t.Fatalf("%d sections stored from the writer's pages", n)
	}
	stranger := e.Client()
	within(t, 5*time.Second, "a stranger's view from the section cache", func() bool {
		h := e.Srv.sections.hits.Load()
		if got := body(t, e.Get(stranger, p.Path())); strings.Contains(got, editLink) || !strings.Contains(got, "Mine to edit.") {
			t.Fatal("a stranger's page is wrong")
		}
		return e.Srv.sections.hits.Load() > h
	})
	if got := body(t, e.Get(guestC, p.Path())); !strings.Contains(got, editLink) {
		t.Fatal("the writer was served the stranger's list")
	}
}

// TestChunked: the pieces join to the threads, in order, none longer than
// chunkBytes unless it is one thread.
func TestChunked(t *testing.T) {
	long := template.HTML(strings.Repeat("x", chunkBytes+10))
	for _, threads := range [][]template.HTML{nil, {"a"}, {"a", "b", "c"}, {long}, {"a", long, "b"},
		slices.Repeat([]template.HTML{template.HTML(strings.Repeat("y", 700))}, 200)} {
		got := chunked(threads)
		var all, want strings.Builder
		for _, h := range got {
			all.WriteString(string(h))
			if len(h) > chunkBytes && !slices.Contains(threads, h) {
				t.Errorf("a piece of %d bytes", len(h))
			}
		}
		for _, h := range threads {
			want.WriteString(string(h))
		}
		if all.String() != want.String() {
			t.Errorf("%d threads: the pieces do not join to them", len(threads))
		}
	}
}
