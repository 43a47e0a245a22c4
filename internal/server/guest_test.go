package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/store"
)

// TestGuestPostJourney drives the whole review over HTTP: a guest submits,
// the submission is held in the queue with reasons, the status link comes
// by mail, an editor edits and requests changes, the guest revises through
// the link, the editor accepts; the post shows the guest byline, the
// editor's note and the bio box with a nofollow website; the guest page
// lists it; every step is audited and mailed.
func TestGuestPostJourney(t *testing.T) {
	e := newJobsEnv(t)
	e.MustUser("eve", account.Editor)
	guest := e.Client()
	res := e.submitGuest(guest, guestValues("Notes on Go", "Hello [link](https://go.example.invalid/).\n\n```go\nfmt.Println(1)\n```\n", "Ada Guest", "ada@mail.invalid"))
	path := statusPath(t, res)
	d := e.page(guest, path+"?new=1")
	if got := d.Find("#guest-status").AttrOr("data-status", ""); got != "received" {
		t.Fatalf("status %q", got)
	}
	link := e.outboxStatusLink("ada@mail.invalid", "We received")
	if !strings.HasSuffix(link, path) {
		t.Fatalf("mailed link %q, page %q", link, path)
	}
	// The token is unguessable and not stored: only its hash is.
	tok := path[strings.LastIndex(path, "/")+1:]
	var found int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM guest_submissions s WHERE s::text LIKE '%' || $1 || '%'`, tok).Scan(&found)
	if len(tok) < 32 || found != 0 {
		t.Errorf("token %q (%d chars) found in %d rows", tok, len(tok), found)
	}
	wrong := path[:len(path)-1] + map[bool]string{true: "y", false: "x"}[strings.HasSuffix(path, "x")]
	if res := e.Get(e.Client(), wrong); res.StatusCode != http.StatusNotFound {
		t.Errorf("a wrong token: %d", res.StatusCode)
	}
	if b := e.outboxMail("eve@example.com", "A new guest post"); statusLinkRE.MatchString(b) {
		t.Error("the editors' mail carries the guest's private link")
	}

	ed := e.Client()
	e.SignIn(ed, "eve")
	q := e.page(ed, "/admin/moderation?kind=guest_post")
	if q.Find(`.kind-guest_post .kind:contains("Guest post")`).Length() != 1 || q.Find(`.kind-guest_post .reason[data-reason=guest_post]`).Length() != 1 {
		t.Fatalf("queue lacks the guest post: %s", q.Find("main").Text())
	}
	var id int64
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT id FROM guest_submissions`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ids := strconv.FormatInt(id, 10)
	act := func(action string, v url.Values, want int) {
		t.Helper()
		if res := e.PostForm(ed, "/admin/guest-posts/"+ids+"/"+action, v); res.StatusCode != want {
			t.Fatalf("%s: %d, want %d", action, res.StatusCode, want)
		}
	}
	// Nor the review page: an editor would act as the guest through it.
	if page, _ := e.page(ed, "/admin/guest-posts/"+ids).Html(); strings.Contains(page, tok) {
		t.Error("the review page shows the guest's private link to editors")
	}
	act("request_changes", url.Values{"message": {""}}, http.StatusBadRequest) // a message is required
	act("edit", url.Values{"title": {"Notes on Go"}, "format": {"markdown"}, "body": {"Hello, edited.\n"}}, http.StatusSeeOther)
	rv := e.page(ed, "/admin/guest-posts/"+ids)
	if rv.Find(`pre.diff .diff-add`).Length() == 0 || rv.Find(`pre.diff .diff-del`).Length() == 0 {
		t.Error("no diff against the guest's original")
	}
	act("request_changes", url.Values{"message": {"Please add an example."}}, http.StatusSeeOther)
	e.outboxStatusLink("ada@mail.invalid", "Changes requested")
	st := e.page(guest, path)
	if st.Find(`#revise-form`).Length() != 1 || !strings.Contains(st.Find(".guest-history").Text(), "Please add an example.") {
		t.Fatalf("status page lacks the request or the form: %s", st.Find("main").Text())
	}
	if res := e.PostForm(guest, path, url.Values{"title": {"Notes on Go"}, "format": {"markdown"}, "body": {"Revised, with [an example](https://go.example.invalid/ex).\n"}, "note": {"Added it."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d", res.StatusCode)
	}
	if res := e.PostForm(guest, path, url.Values{"title": {"Again"}, "body": {"x"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("second revision while in review: %d", res.StatusCode)
	}
	act("accept", url.Values{"when": {"now"}, "tags": {"Go"}, "categories": {"Guests"}, "slug": {"notes-on-go"},
		"comment_policy": {"open"}, "intro": {"A guest post. [Write for us](/write)."}}, http.StatusSeeOther)
	act("accept", url.Values{"when": {"now"}}, http.StatusConflict)
	pg := e.page(e.Client(), "/posts/notes-on-go")
	if by := pg.Find(".byline").First().Text(); !strings.Contains(by, "Guest post by") || !strings.Contains(by, "Ada Guest") {
		t.Errorf("byline %q", by)
	}
	if pg.Find(`.guest-intro a[href="/write"]`).Length() != 1 || pg.Find(`.guest-box .bio`).Length() != 1 {
		t.Error("no editor's note or bio box")
	}
	if rel := pg.Find(`.guest-box .website a`).AttrOr("rel", ""); rel != "nofollow ugc noopener" {
		t.Errorf("website rel %q", rel)
	}
	if rel := pg.Find(`.e-content a`).AttrOr("rel", ""); !strings.Contains(rel, "nofollow") {
		t.Errorf("body link rel %q", rel)
	}
	front := e.page(e.Client(), "/")
	if !strings.Contains(front.Find(".post-card .byline").Text(), "Guest post by") {
		t.Error("front page lacks the guest byline")
	}
	// Like any post: search, tag, category and feed; not on the editor's author page.
	for _, path := range []string{"/search?q=example", "/tags/go", "/categories/guests"} {
		if e.page(e.Client(), path).Find(`a[href="/posts/notes-on-go"]`).Length() == 0 {
			t.Errorf("%s lacks the guest post", path)
		}
	}
	if e.page(e.Client(), "/authors/eve").Find(`a[href="/posts/notes-on-go"]`).Length() != 0 {
		t.Error("the accepting editor's page lists the guest post")
	}
	if b, _ := io.ReadAll(e.Get(e.Client(), "/feed.atom").Body); !strings.Contains(string(b), "<name>Ada Guest</name>") {
		t.Error("the feed does not name the guest")
	}
	gp := e.page(e.Client(), pg.Find(".byline .p-author a").AttrOr("href", ""))
	if gp.Find(`a[href="/posts/notes-on-go"]`).Length() == 0 {
		t.Error("guest page lacks the post")
	}
	if s := e.page(guest, path).Find("#guest-status").AttrOr("data-status", ""); s != "published" {
		t.Errorf("status after accept: %q", s)
	}
	if e.page(ed, "/admin/guest-posts?status=published").Find(`#guest-`+ids).Length() != 1 ||
		e.page(ed, "/admin/guest-posts").Find(".guest-item").Length() != 0 {
		t.Error("review list filters")
	}
	if e.page(guest, path+"?v=1").Find(".guest-preview").Text() == e.page(guest, path).Find(".guest-preview").Text() {
		t.Error("the first version is not viewable")
	}
	act("intro", url.Values{"intro": {"A *new* note."}}, http.StatusSeeOther)
	if n := e.page(e.Client(), "/posts/notes-on-go").Find(".guest-intro em").Text(); n != "new" {
		t.Errorf("changed note: %q", n)
	}
	// Trusting the guest drops nofollow from the website.
	act("trust", nil, http.StatusSeeOther)
	if rel := e.page(e.Client(), "/posts/notes-on-go").Find(`.guest-box .website a`).AttrOr("rel", ""); rel != "noopener" {
		t.Errorf("trusted website rel %q", rel)
	}
	var audits int
	_ = e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action LIKE 'guest%'`).Scan(&audits)
	if audits < 6 {
		t.Errorf("%d audit rows", audits)
	}
	if guestCount(t, e.Store) != 1 {
		t.Error("submissions multiplied")
	}
}

// guestCount counts submissions.
func guestCount(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM guest_submissions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGuestSpamSettingsContributors: a filled honeypot is stored as spam
// (on the spam tab, never mailed) and answered like any submission; the
// site setting hides "Write for us" and its footer link; contributors'
// pending posts wait in the same queue.
func TestGuestSpamSettingsContributors(t *testing.T) {
	e := newEnv(t)
	e.MustUser("root", account.Admin)
	cal := e.MustUser("cal", account.Contributor)
	v := guestValues("Cheap pills", "Buy now", "Bot", "bot@mail.invalid")
	v.Set("homepage", "http://spam.invalid/")
	path := statusPath(t, e.submitGuest(e.Client(), v))
	if s := e.page(e.Client(), path).Find("#guest-status").AttrOr("data-status", ""); s != "received" {
		t.Errorf("spam status page says %q", s)
	}
	ctx := context.Background()
	var spam bool
	var mails int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT spam FROM guest_submissions`).Scan(&spam)
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail'`).Scan(&mails)
	if !spam || mails != 0 {
		t.Errorf("honeypot: spam %v, %d mails", spam, mails)
	}
	p := e.MustPost(cal, "Contributor draft", "open")
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET status = 'pending', published_at = NULL WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	admin := e.Client()
	e.SignIn(admin, "root")
	q := e.page(admin, "/admin/moderation")
	if q.Find(".kind-guest_post").Length() != 0 || q.Find(`.pending-item a[href="/admin/posts/`+strconv.FormatInt(p.ID, 10)+`"]`).Length() != 1 {
		t.Errorf("held tab: %d guest items, pending post missing", q.Find(".kind-guest_post").Length())
	}
	if e.page(admin, "/admin/moderation?status=spam").Find(".kind-guest_post").Length() != 1 {
		t.Error("spam tab lacks the spam submission")
	}
	// An editor's action vouches for a submission the rules called spam;
	// marking one as spam by hand declines it silently.
	var sid int64
	_ = e.Store.Pool.QueryRow(ctx, `SELECT id FROM guest_submissions`).Scan(&sid)
	sids := strconv.FormatInt(sid, 10)
	if res := e.PostForm(admin, "/admin/guest-posts/"+sids+"/review", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("review: %d", res.StatusCode)
	}
	_ = e.Store.Pool.QueryRow(ctx, `SELECT spam FROM guest_submissions`).Scan(&spam)
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail'`).Scan(&mails)
	if spam || mails != 1 {
		t.Errorf("after review: spam %v, %d mails", spam, mails)
	}
	if res := e.PostForm(admin, "/admin/guest-posts/"+sids+"/spam", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("spam: %d", res.StatusCode)
	}
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail'`).Scan(&mails)
	if s := e.page(e.Client(), path).Find("#guest-status").AttrOr("data-status", ""); s != "declined" || mails != 1 {
		t.Errorf("after spam: %q, %d mails", s, mails)
	}
	if e.page(e.Client(), "/").Find(`footer a[href="/write"]`).Length() != 1 {
		t.Fatal("no footer link")
	}
	if res := e.PostForm(admin, "/admin/guest-posts/settings", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	if e.page(e.Client(), "/").Find(`footer a[href="/write"]`).Length() != 0 {
		t.Error("footer link still shown")
	}
	if res := e.Get(e.Client(), "/write"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/write when off: %d", res.StatusCode)
	}
	ed := e.Client()
	e.MustUser("bob", account.Author)
	e.SignIn(ed, "bob")
	if res := e.Get(ed, "/admin/guest-posts"); res.StatusCode != http.StatusForbidden {
		t.Errorf("author on the review list: %d", res.StatusCode)
	}
}

// TestContributorReturned: an editor sends a contributor's pending post
// back to draft from the queue with a message; the contributor is mailed.
func TestContributorReturned(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	cal := e.MustUser("cal", account.Contributor)
	p := e.MustPost(cal, "Please review", "open")
	ctx := context.Background()
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE posts SET status = 'pending', published_at = NULL WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	ed := e.Client()
	e.SignIn(ed, "eve")
	if e.page(ed, "/admin/guest-posts").Find(".pending-item .return-form").Length() != 1 {
		t.Fatal("the review list lacks the pending post")
	}
	ret := "/admin/guest-posts/posts/" + strconv.FormatInt(p.ID, 10) + "/return"
	if res := e.PostForm(ed, ret, url.Values{"message": {""}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("no message: %d", res.StatusCode)
	}
	if res := e.PostForm(ed, ret, url.Values{"message": {"Shorter, please."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", res.StatusCode)
	}
	got, _ := store.PostByID(ctx, e.Store.Pool, p.ID)
	var mails int
	_ = e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail' AND args::text LIKE '%Shorter, please.%'`).Scan(&mails)
	if got.Status != "draft" || mails != 1 {
		t.Errorf("status %s, %d mails", got.Status, mails)
	}
	if res := e.PostForm(ed, ret, url.Values{"message": {"Again"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("second return: %d", res.StatusCode)
	}
}

// TestContributorSubmitsForReview: a contributor's post sent for review
// mails the editors and admins (not the contributor) a link to it, once
// per sending: saving it again while it waits mails nobody; sent back and
// sent again, it mails them again.
func TestContributorSubmitsForReview(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	e.MustUser("ada", account.Admin)
	e.MustUser("bob", account.Author)
	e.MustUser("cal", account.Contributor)
	ctx := context.Background()
	mails := func(to string) int {
		t.Helper()
		var n int
		if err := e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'mail'
			AND args->'message'->>'to' = $1 AND args::text LIKE '%is waiting for review%'`, to).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := e.Client()
	e.SignIn(c, "cal")
	form := url.Values{"title": {"Trams at night"}, "body": {"Quiet rails."}, "format": {"markdown"}, "comment_policy": {"open"}}
	form.Set("action", "submit")
	res := e.PostForm(c, "/admin/posts", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	var id int64
	if err := e.Store.Pool.QueryRow(ctx, `SELECT id FROM posts WHERE title = 'Trams at night' AND status = 'pending'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"eve@example.com": 1, "ada@example.com": 1, "bob@example.com": 0, "cal@example.com": 0}
	for to, n := range want {
		if got := mails(to); got != n {
			t.Errorf("%s: %d mails, want %d", to, got, n)
		}
	}
	var body string
	_ = e.Store.Pool.QueryRow(ctx, `SELECT args->'message'->>'text' FROM river_job WHERE kind = 'mail' AND args::text LIKE '%is waiting for review%' LIMIT 1`).Scan(&body)
	if !strings.Contains(body, "/admin/posts/"+strconv.FormatInt(id, 10)) || !strings.Contains(body, "Trams at night") {
		t.Errorf("the mail: %q", body)
	}
	// Saved again while it waits: nobody is mailed again.
	form.Set("action", "submit")
	e.PostForm(c, "/admin/posts/"+strconv.FormatInt(id, 10), form)
	if got := mails("eve@example.com"); got != 1 {
		t.Errorf("a second save of a waiting post mailed the editor again: %d", got)
	}
	// Sent back, then sent again: mailed again.
	ed := e.Client()
	e.SignIn(ed, "eve")
	e.PostForm(ed, "/admin/guest-posts/posts/"+strconv.FormatInt(id, 10)+"/return", url.Values{"message": {"Longer, please."}})
	e.PostForm(c, "/admin/posts/"+strconv.FormatInt(id, 10), form)
	if got := mails("eve@example.com"); got != 2 {
		t.Errorf("sent again after changes: %d mails to the editor, want 2", got)
	}
}
