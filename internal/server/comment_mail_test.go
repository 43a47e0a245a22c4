package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// TestMailLinks: the outbox page, the double opt-in confirmation and the
// one-click unsubscribe, which a GET never triggers.
func TestMailLinks(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	p := e.MustPost(ann, "Mail", post.CommentsOpen)
	reader := e.Client()
	v := guest("Rita", "Rita@mail.invalid", "Tell me of replies")
	v.Set("notify", "1")
	id := commentID(t, e.Comment(reader, p, v))
	ctx := context.Background()
	c, err := store.CommentByID(ctx, e.Store.Pool, id)
	if err != nil || !c.Notify {
		t.Fatalf("notify not stored: %+v %v", c, err)
	}
	// The confirmation job was enqueued with the comment.
	var n int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'notify_confirm'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d confirmation jobs", n)
	}
	tok := commenting.NotifyToken(e.Srv.key, "rita@mail.invalid")
	if res := e.Get(reader, "/comments/confirm?t="+url.QueryEscape(tok)); res.StatusCode != 200 {
		t.Fatalf("confirm page: %d", res.StatusCode)
	}
	if _, confirmed, _ := store.NotifyAddressState(ctx, e.Store.Pool, "rita@mail.invalid"); confirmed {
		t.Error("a GET confirmed the address")
	}
	if res := e.PostForm(reader, "/comments/confirm", url.Values{"t": {tok}}); res.StatusCode != 200 {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	if _, confirmed, _ := store.NotifyAddressState(ctx, e.Store.Pool, "rita@mail.invalid"); !confirmed {
		t.Error("address not confirmed")
	}
	if res := e.PostForm(reader, "/comments/confirm", url.Values{"t": {"x.y"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("forged confirmation: %d", res.StatusCode)
	}
	// A link cut short in the mail is refused on opening, not after Confirm.
	if res := e.Get(reader, "/comments/confirm?t="+url.QueryEscape(tok[:len(tok)-3])); res.StatusCode != http.StatusNotFound {
		t.Errorf("confirm page of a cut link: %d", res.StatusCode)
	}

	ids := strconv.FormatInt(id, 10)
	unsub := e.Srv.key.Sign(commenting.PurposeUnsubscribe, ids)
	if res := e.Get(e.Client(), "/comments/"+ids+"/unsubscribe?t="+url.QueryEscape(unsub)); res.StatusCode != 200 {
		t.Fatalf("unsubscribe page: %d", res.StatusCode)
	}
	if c, _ := store.CommentByID(ctx, e.Store.Pool, id); !c.Notify {
		t.Error("a GET unsubscribed")
	}
	// RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, with no
	// cookies and no Origin header.
	res, err := http.Post(e.TS.URL+"/comments/"+ids+"/unsubscribe?t="+url.QueryEscape(unsub), "application/x-www-form-urlencoded",
		strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	if c, _ := store.CommentByID(ctx, e.Store.Pool, id); c.Notify {
		t.Error("still subscribed")
	}
	other := strconv.FormatInt(id+1, 10)
	if res := e.PostForm(reader, "/comments/"+ids+"/unsubscribe", url.Values{"t": {e.Srv.key.Sign(commenting.PurposeUnsubscribe, other)}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another comment's token: %d", res.StatusCode)
	}

	// The outbox, for admins.
	if err := store.PutOutbox(ctx, e.Store.Pool, store.OutboxMail{To: "rita@mail.invalid", Subject: "Hello <b>", Body: "Body text",
		Headers: map[string]string{"List-Unsubscribe": "<http://x.invalid/u>"}}); err != nil {
		t.Fatal(err)
	}
	d := e.page(e.signedIn("admin"), "/admin/outbox")
	if !strings.Contains(d.Find(".mail").Text(), "Hello <b>") || !strings.Contains(d.Find(".mail").Text(), "List-Unsubscribe") {
		t.Errorf("outbox: %s", d.Find("main").Text())
	}
	author := e.Client()
	e.SignIn(author, "ann")
	if res := e.Get(author, "/admin/outbox"); res.StatusCode != http.StatusForbidden {
		t.Errorf("author reads the outbox: %d", res.StatusCode)
	}
}
