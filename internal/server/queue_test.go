package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/moderation"
)

// TestQueueKeysDoNotCollideHTML: guest post N and comment N are both in
// the queue; an action on each, by its key, touches only it, and a key of
// the wrong kind reaches nothing.
func TestQueueKeysDoNotCollideHTML(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(7)
	ed := e.signedIn("eve")
	d := e.page(ed, "/admin/moderation")
	for _, k := range []moderation.Key{f.Comment, f.Pingback, f.Webmention, f.Guest} {
		if d.Find(`#item-`+k.String()+` input[name=key][value=`+k.String()+`]`).Length() != 1 {
			t.Errorf("held list lacks %s", k)
		}
	}
	e.PostForm(ed, "/admin/moderation", keyOne("trash", f.Guest))
	if g, c := e.guestState(f.Guest.ID), e.commentStatus(f.Comment.ID); g != "received/trash" || c != "held" {
		t.Fatalf("trash g%d: guest %s, comment %s", f.Guest.ID, g, c)
	}
	e.PostForm(ed, "/admin/moderation", keyOne("spam", f.Comment))
	if g, c := e.guestState(f.Guest.ID), e.commentStatus(f.Comment.ID); g != "received/trash" || c != "spam" {
		t.Fatalf("spam c%d: guest %s, comment %s", f.Comment.ID, g, c)
	}
	// A key naming another kind with the same number changes nothing.
	wrong := moderation.Key{Kind: moderation.KindPingback, ID: f.Comment.ID}
	res := e.PostForm(ed, "/admin/moderation", keyOne("approve", wrong))
	if c := e.commentStatus(f.Comment.ID); res.StatusCode != http.StatusSeeOther || c != "spam" {
		t.Fatalf("approve %s: %d, comment %s", wrong, res.StatusCode, c)
	}
	if fl := e.page(ed, "/admin/moderation").Find(".flash").Text(); !strings.Contains(fl, "0 items") {
		t.Errorf("flash after a key of the wrong kind: %q", fl)
	}
	// Restore both; approve the guest post: it is published, the comment stays held.
	e.PostForm(ed, "/admin/moderation", url.Values{"key": {f.Guest.String(), f.Comment.String()}, "action": {"hold"}})
	e.PostForm(ed, "/admin/moderation", keyOne("approve", f.Guest))
	if g, c := e.guestState(f.Guest.ID), e.commentStatus(f.Comment.ID); g != "published/held" || c != "held" {
		t.Fatalf("approve g%d: guest %s, comment %s", f.Guest.ID, g, c)
	}
	// Delete forever the comment: the guest post stays.
	e.PostForm(ed, "/admin/moderation", keyOne("delete", f.Comment))
	if g, c := e.guestState(f.Guest.ID), e.commentStatus(f.Comment.ID); g != "published/held" || c != "gone" {
		t.Fatalf("delete c%d: guest %s, comment %s", f.Comment.ID, g, c)
	}
	for _, bad := range []string{"approve:42", "approve:x42", "approve:g", "approve:g-1", "approve:c+5"} {
		if res := e.PostForm(ed, "/admin/moderation", url.Values{"one": {bad}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
	// The audit log names kinds in words, keys only for tools.
	audit := e.page(e.signedIn("root"), "/admin/audit")
	if audit.Find(`td[data-key=g`+idStr(f.Guest)+`]:contains("Guest post")`).Length() == 0 ||
		audit.Find(`td:contains("Accepted and published")`).Length() == 0 || strings.Contains(audit.Text(), "guest_post") {
		t.Errorf("audit log words: %s", audit.Find("table").Text())
	}
}

// TestQueueKeysDoNotCollideAPI: the same through the API.
func TestQueueKeysDoNotCollideAPI(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(3)
	tok := e.token(ed)
	st, out := apiCall(t, e, "GET", "/api/v1/moderation/queue", tok, nil)
	items, _ := out["items"].([]any)
	keys := map[string]string{}
	for _, it := range items {
		m := it.(map[string]any)
		keys[m["id"].(string)] = m["kind"].(string)
	}
	if st != 200 || len(items) != 4 || keys[f.Guest.String()] != "guest_post" || keys[f.Comment.String()] != "comment" ||
		keys[f.Pingback.String()] != "pingback" || keys[f.Webmention.String()] != "webmention" {
		t.Fatalf("queue: %d %v", st, keys)
	}
	call := func(action string, k moderation.Key) (int, map[string]any) {
		return apiCall(t, e, "POST", "/api/v1/moderation/queue/"+k.String()+"/"+action, tok, nil)
	}
	if st, out := call("spam", f.Guest); st != 200 || out["status"] != "spam" || e.guestState(f.Guest.ID) != "received/spam" ||
		e.commentStatus(f.Comment.ID) != "held" {
		t.Fatalf("spam g: %d %v; comment %s", st, out, e.commentStatus(f.Comment.ID))
	}
	if st, out := call("trash", f.Comment); st != 200 || out["status"] != "trash" || e.guestState(f.Guest.ID) != "received/spam" {
		t.Fatalf("trash c: %d %v; guest %s", st, out, e.guestState(f.Guest.ID))
	}
	if st, _ := call("approve", moderation.Key{Kind: moderation.KindWebmention, ID: f.Comment.ID}); st != 404 ||
		e.commentStatus(f.Comment.ID) != "trash" {
		t.Fatalf("a webmention key on a comment: %d", st)
	}
	if st, _ := apiCall(t, e, "POST", fmt.Sprintf("/api/v1/moderation/queue/%d/approve", f.Comment.ID), tok, nil); st != 404 {
		t.Errorf("a bare number: %d", st)
	}
	if st, out := call("approve", f.Guest); st != 200 || out["status"] != "approved" || out["post_id"] == nil ||
		e.guestState(f.Guest.ID) != "published/held" || e.commentStatus(f.Comment.ID) != "trash" {
		t.Fatalf("approve g: %d %v", st, out)
	}
	if st, out := call("delete", f.Comment); st != 200 || out["deleted"] != true || e.guestState(f.Guest.ID) != "published/held" {
		t.Fatalf("delete c: %d %v", st, out)
	}
}

// TestQueuePermissionPerKind: comments and linkbacks need Moderate, guest
// posts need ReviewGuestPosts, in the list, the counts and every action,
// HTML and API; a moderator never sees a guest's e-mail or IP address.
func TestQueuePermissionPerKind(t *testing.T) {
	e := newEnv(t)
	mo := e.MustUser("mo", account.Moderator)
	meg := e.MustUser("meg", account.Member)
	f := e.mustQueueFixture(5)
	mod := e.signedIn("mo")
	d := e.page(mod, "/admin/moderation")
	if d.Find(".kind-guest_post").Length() != 0 || strings.Contains(d.Text(), "gia@mail.invalid") ||
		d.Find(".queue-item").Length() != 3 || d.Find(`.tabs a[aria-current] .count`).Text() != "3" ||
		d.Find(".held-count .count").Text() != "3" || d.Find(`select[name=kind] option[value=guest_post]`).Length() != 0 {
		t.Errorf("moderator's queue: %d items, tab %q, badge %q", d.Find(".queue-item").Length(),
			d.Find(`.tabs a[aria-current] .count`).Text(), d.Find(".held-count .count").Text())
	}
	for _, action := range []string{"approve", "spam", "trash", "hold", "delete"} {
		if res := e.PostForm(mod, "/admin/moderation", keyOne(action, f.Guest)); res.StatusCode != http.StatusForbidden {
			t.Errorf("moderator %s on a guest post: %d", action, res.StatusCode)
		}
	}
	// One forbidden key refuses the whole bulk action.
	res := e.PostForm(mod, "/admin/moderation", url.Values{"key": {f.Comment.String(), f.Guest.String()}, "action": {"spam"}})
	if res.StatusCode != http.StatusForbidden || e.commentStatus(f.Comment.ID) != "held" || e.guestState(f.Guest.ID) != "received/held" {
		t.Errorf("mixed bulk by a moderator: %d, comment %s", res.StatusCode, e.commentStatus(f.Comment.ID))
	}
	mt := e.token(mo)
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue?kind=guest_post", mt, nil); st != 403 {
		t.Errorf("moderator lists guest posts: %d", st)
	}
	st, out := apiCall(t, e, "GET", "/api/v1/moderation/queue", mt, nil)
	if st != 200 || len(out["items"].([]any)) != 3 || strings.Contains(fmt.Sprint(out), "gia@mail.invalid") {
		t.Errorf("moderator's API queue: %d %v", st, out)
	}
	for _, action := range []string{"approve", "spam", "delete"} {
		if st, _ := apiCall(t, e, "POST", "/api/v1/moderation/queue/"+f.Guest.String()+"/"+action, mt, nil); st != 403 {
			t.Errorf("moderator API %s on a guest post: %d", action, st)
		}
	}
	if e.guestState(f.Guest.ID) != "received/held" {
		t.Errorf("guest post changed by a moderator: %s", e.guestState(f.Guest.ID))
	}
	// The moderator acts on what is theirs.
	if st, _ := apiCall(t, e, "POST", "/api/v1/moderation/queue/"+f.Pingback.String()+"/approve", mt, nil); st != 200 ||
		e.commentStatus(f.Pingback.ID) != "approved" {
		t.Errorf("moderator approves a pingback: %d", st)
	}
	// Members may do nothing.
	meg1 := e.signedIn("meg")
	if res := e.PostForm(meg1, "/admin/moderation", keyOne("approve", f.Comment)); res.StatusCode != http.StatusForbidden {
		t.Errorf("member acts: %d", res.StatusCode)
	}
	if st, _ := apiCall(t, e, "GET", "/api/v1/moderation/queue", e.token(meg), nil); st != 403 {
		t.Errorf("member lists: %d", st)
	}
}

// TestQueueCountsAgree: the held tab, the menu badge (on the queue and on
// the dashboard), the list and the API's counts give one number for each
// viewer, and follow an action.
func TestQueueCountsAgree(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("eve", account.Editor)
	mo := e.MustUser("mo", account.Moderator)
	f := e.mustQueueFixture(2)
	check := func(who string, tok string, want int) {
		t.Helper()
		c := e.signedIn(who)
		q := e.page(c, "/admin/moderation")
		dash := e.page(c, "/admin")
		_, out := apiCall(t, e, "GET", "/api/v1/moderation/queue", tok, nil)
		counts, _ := out["counts"].(map[string]any)
		got := []string{q.Find(`.tabs a[aria-current] .count`).Text(), q.Find(".held-count .count").Text(),
			dash.Find(".held-count .count").Text(), fmt.Sprint(q.Find(".queue-item").Length()),
			fmt.Sprint(len(out["items"].([]any))), fmt.Sprint(counts["held"])}
		for _, g := range got {
			if g != fmt.Sprint(want) {
				t.Errorf("%s: tab, badge, dashboard badge, list, API list, API count = %v, want %d", who, got, want)
				break
			}
		}
	}
	et, mt := e.token(ed), e.token(mo)
	check("eve", et, 4)
	check("mo", mt, 3)
	apiCall(t, e, "POST", "/api/v1/moderation/queue/"+f.Guest.String()+"/trash", et, nil)
	apiCall(t, e, "POST", "/api/v1/moderation/queue/"+f.Webmention.String()+"/spam", mt, nil)
	check("eve", et, 2)
	check("mo", mt, 2)
	if n := e.page(e.signedIn("eve"), "/admin/moderation?status=trash").Find(`.tabs a[aria-current] .count`).Text(); n != "1" {
		t.Errorf("editor's trash count %q", n)
	}
	if n := e.page(e.signedIn("mo"), "/admin/moderation?status=trash").Find(`.tabs a[aria-current] .count`).Text(); n != "0" {
		t.Errorf("moderator's trash count %q (a guest post is not theirs)", n)
	}
}

// TestLinkbackFeedEntries: approved pingbacks and webmentions carry their
// excerpt in the comment feeds, and take no Reply link in the thread.
func TestLinkbackFeedEntries(t *testing.T) {
	e := newEnv(t)
	ed := e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(4)
	tok := e.token(ed)
	for _, k := range []moderation.Key{f.Comment, f.Pingback, f.Webmention} {
		if st, _ := apiCall(t, e, "POST", "/api/v1/moderation/queue/"+k.String()+"/approve", tok, nil); st != 200 {
			t.Fatalf("approve %s: %d", k, st)
		}
	}
	for _, path := range []string{f.Post.Path() + "/comments.atom", "/comments/feed.rss"} {
		res := e.Get(e.Client(), path)
		b := new(strings.Builder)
		_, _ = io.Copy(b, res.Body)
		res.Body.Close()
		for _, want := range []string{"A held pingback", "A held webmention", "A held comment"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
	d := e.page(e.Client(), f.Post.Path())
	if d.Find("li.linkback").Length() != 2 || d.Find(".linkback a.reply").Length() != 0 || d.Find("a.reply").Length() != 1 {
		t.Errorf("reply links: %d linkbacks, %d on them, %d in all", d.Find("li.linkback").Length(),
			d.Find(".linkback a.reply").Length(), d.Find("a.reply").Length())
	}
	// Replying to a pingback by hand is refused.
	v := guest("Rob", "rob@mail.invalid", "A reply to a pingback")
	v.Set("parent_id", idStr(f.Pingback))
	if res := e.Comment(e.Client(), f.Post, v); res.StatusCode != http.StatusBadRequest {
		t.Errorf("reply to a pingback: %d", res.StatusCode)
	}
}

// TestQueueBulkSkipsWhatCannotMove: in a bulk action, a guest post that
// cannot change (already published) is left as it was, said so, and the
// rest are done.
func TestQueueBulkSkipsWhatCannotMove(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(6)
	ed := e.signedIn("eve")
	e.PostForm(ed, "/admin/moderation", keyOne("approve", f.Guest))
	res := e.PostForm(ed, "/admin/moderation", url.Values{"key": {f.Guest.String(), f.Comment.String()}, "action": {"trash"}})
	fl := e.page(ed, "/admin/moderation").Find(".flash").Text()
	if res.StatusCode != http.StatusSeeOther || e.commentStatus(f.Comment.ID) != "trash" || e.guestState(f.Guest.ID) != "published/held" ||
		!strings.Contains(fl, "Moved to trash: 1 item.") || !strings.Contains(fl, "A guest post was left as it was: This guest post is already accepted") {
		t.Errorf("bulk with a published guest post: %d, comment %s, guest %s, flash %q", res.StatusCode,
			e.commentStatus(f.Comment.ID), e.guestState(f.Guest.ID), fl)
	}
	if res := e.PostForm(ed, "/admin/moderation", keyOne("spam", f.Guest)); res.StatusCode != http.StatusConflict {
		t.Errorf("spam on a published guest post alone: %d", res.StatusCode)
	}
}

// TestQueueTellsTheGuestOnlyOfApproval: spam, trash, back to queue and
// delete send the guest nothing; approve mails the acceptance, once.
func TestQueueTellsTheGuestOnlyOfApproval(t *testing.T) {
	e := newEnv(t)
	e.MustUser("eve", account.Editor)
	f := e.mustQueueFixture(8)
	ed := e.signedIn("eve")
	mails := func() int {
		var n int
		if err := e.Store.Pool.QueryRow(context.Background(),
			`SELECT count(*) FROM river_job WHERE args::text LIKE '%gia@mail.invalid%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	received := mails()
	if received != 1 {
		t.Fatalf("%d mails queued for the guest after submitting", received)
	}
	for _, a := range []string{"spam", "hold", "trash", "hold"} {
		if res := e.PostForm(ed, "/admin/moderation", keyOne(a, f.Guest)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", a, res.StatusCode)
		}
	}
	if n := mails(); n != received {
		t.Errorf("spam, trash and restore queued %d mails for the guest", n-received)
	}
	e.PostForm(ed, "/admin/moderation", keyOne("approve", f.Guest))
	if n := mails(); n != received+1 {
		t.Errorf("approve queued %d mails for the guest, want 1", n-received)
	}
}
