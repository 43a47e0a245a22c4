package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestPinnedComment: a moderator pins a comment from under it on the post
// page; every reader then sees it above the thread on the first page, and
// still in its place; pinning another replaces it; unapproving it takes it
// off the page; Unpin removes it. A member may not pin, a held comment or
// a linkback cannot be, and the API pins and unpins.
func TestPinnedComment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	e.MustUser("meg", account.Member)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	say := func(name string, st comment.Status, kind comment.Kind) int64 {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: kind, Status: st, AuthorName: name,
			BodySource: "Words of " + name + ".", BodyHTML: "<p>Words of " + name + ".</p>"}}
		if err := store.CreateComment(ctx, e.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	best := say("Bea", comment.StatusApproved, comment.KindComment)
	other := say("Cal", comment.StatusApproved, comment.KindComment)
	held := say("Hal", comment.StatusHeld, comment.KindComment)
	ping := say("Pia", comment.StatusApproved, comment.KindPingback)
	pinned := func() string {
		t.Helper()
		return strings.Join(strings.Fields(e.page(e.Client(), p.Path()).Find(".pinned-comment .comment-content").Text()), " ")
	}
	if got := pinned(); got != "" {
		t.Fatalf("pinned before any pin: %q", got)
	}

	mo := e.signedIn("mo")
	form := e.page(mo, p.Path()).Find("#comment-" + strconv.FormatInt(best, 10)).Parent().Find(`button[formaction$="/pin"]`).First()
	if form.Text() != "Pin" || form.AttrOr("value", "") != "1" {
		t.Fatalf("the moderator's Pin under the comment: %q %q", form.Text(), form.AttrOr("value", ""))
	}
	pin := func(c *http.Client, id int64, on string) *http.Response {
		return e.PostForm(c, "/admin/moderation/c"+strconv.FormatInt(id, 10)+"/pin", url.Values{"pin": {on}, "back": {p.Path()}})
	}
	if res := pin(mo, best, "1"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != p.Path() {
		t.Fatalf("pin: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := pinned(); got != "Words of Bea." {
		t.Errorf("a reader's pinned comment: %q", got)
	}
	d := e.page(e.Client(), p.Path())
	if d.Find(".comment-list #comment-"+strconv.FormatInt(best, 10)).Length() != 1 || d.Find(".pinned-comment a").AttrOr("href", "") != "/comments/"+strconv.FormatInt(best, 10) {
		t.Error("the pinned comment left its place, or links nowhere")
	}
	if b := e.page(mo, p.Path()).Find(`button[formaction="/admin/moderation/c` + strconv.FormatInt(best, 10) + `/pin"]`); b.Text() != "Unpin" {
		t.Errorf("the moderator's button on the pinned comment: %q", b.Text())
	}
	// Another replaces it.
	pin(mo, other, "1")
	if got := pinned(); got != "Words of Cal." {
		t.Errorf("after pinning another: %q", got)
	}
	// Refusals: a member, a held comment, a pingback, an unknown one.
	for _, tc := range []struct {
		c    *http.Client
		id   int64
		want int
	}{{e.signedIn("meg"), best, 403}, {mo, held, 400}, {mo, ping, 400}, {mo, 999999, 404}} {
		if res := pin(tc.c, tc.id, "1"); res.StatusCode != tc.want {
			t.Errorf("pin %d: %d, want %d", tc.id, res.StatusCode, tc.want)
		}
	}
	// Unapproved, it leaves the top of the page; approved again, it is back.
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE comments SET status = 'held' WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	if got := pinned(); got != "" {
		t.Errorf("an unapproved pinned comment still shows: %q", got)
	}
	if _, err := e.Store.Pool.Exec(ctx, `UPDATE comments SET status = 'approved' WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	if got := pinned(); got != "Words of Cal." {
		t.Errorf("approved again: %q", got)
	}
	// Unpin: gone; an unpin of a comment that is not pinned changes nothing.
	pin(mo, best, "0")
	if got := pinned(); got != "Words of Cal." {
		t.Errorf("unpinning another comment took Cal's off: %q", got)
	}
	pin(mo, other, "0")
	if got := pinned(); got != "" {
		t.Errorf("after unpin: %q", got)
	}
	var n int
	if err := e.Store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('comment.pin', 'comment.unpin')`).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit entries: %d %v", n, err)
	}
	// The API.
	tok := e.token(e.MustUser("mo2", account.Moderator))
	path := "/api/v1/moderation/queue/c" + strconv.FormatInt(best, 10)
	if st, body := pubAPI(t, e, "POST", path+"/pin", tok, nil); st != 200 || body["pinned"] != true || body["post_id"] != float64(p.ID) {
		t.Errorf("API pin: %d %v", st, body)
	}
	if got := pinned(); got != "Words of Bea." {
		t.Errorf("after the API's pin: %q", got)
	}
	if st, _ := pubAPI(t, e, "POST", path+"/unpin", tok, nil); st != 200 || pinned() != "" {
		t.Errorf("API unpin: %d", st)
	}
	if st, _ := pubAPI(t, e, "POST", "/api/v1/moderation/queue/p"+strconv.FormatInt(ping, 10)+"/pin", tok, nil); st != 400 {
		t.Errorf("API pin of a pingback: %d", st)
	}
}
