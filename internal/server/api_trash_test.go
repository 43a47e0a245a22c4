package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/store"
)

// TestAPIPostSearchAndTrash: the posts list searches as the editor's
// list does; a trashed post comes back as a draft, or is deleted forever
// with its comments, and only from the trash.
func TestAPIPostSearchAndTrash(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	annTok := e.token(ann)
	bobTok := e.token(e.MustUser("bob", account.Author))
	eve := e.token(e.MustUser("eve", account.Editor))
	trams := e.taggedPost(ann, "Trams beat buses", "", "", post.Published)
	e.taggedPost(ann, "Bicycles", "", "", post.Draft)

	for _, tc := range []struct {
		q    string
		want int
	}{{"tram", 1}, {"buses", 1}, {"Bicycles", 1}, {"ferries", 0}, {"", 2}} {
		st, body := pubAPI(t, e, "GET", "/api/v1/posts?q="+tc.q, eve, nil)
		if items, _ := itemsOf(body); st != 200 || len(items) != tc.want {
			t.Errorf("q=%q: %d, %d posts, want %d", tc.q, st, len(items), tc.want)
		}
	}
	if st, _ := pubAPI(t, e, "GET", "/api/v1/posts?q="+strings.Repeat("a", 201), eve, nil); st != 400 {
		t.Errorf("a search too long: %d", st)
	}

	id := strconv.FormatInt(trams.ID, 10)
	c := &store.NewComment{Comment: comment.Comment{PostID: trams.ID, Kind: comment.KindComment, Status: comment.StatusApproved,
		AuthorName: "Reader", BodyHTML: "<p>A reader's word.</p>"}}
	if err := store.CreateComment(context.Background(), e.Store.Pool, c); err != nil {
		t.Fatal(err)
	}
	// Neither leaves the trash for a post not in it.
	if st, body := pubAPI(t, e, "POST", "/api/v1/posts/"+id+"/restore", annTok, nil); st != 400 {
		t.Errorf("restore a published post: %d %v", st, body)
	}
	if st, body := pubAPI(t, e, "DELETE", "/api/v1/posts/"+id+"?forever=true", annTok, nil); st != 400 {
		t.Errorf("delete forever out of the trash: %d %v", st, body)
	}
	if st, _ := pubAPI(t, e, "DELETE", "/api/v1/posts/"+id+"?forever=yes", annTok, nil); st != 400 {
		t.Errorf("forever=yes: %d", st)
	}
	if st, p := pubAPI(t, e, "GET", "/api/v1/posts/"+id, annTok, nil); st != 200 || p["trashed_at"] != nil {
		t.Errorf("a published post's trashed_at: %d %v", st, p["trashed_at"])
	}
	if st, p := pubAPI(t, e, "DELETE", "/api/v1/posts/"+id, annTok, nil); st != 200 || p["status"] != "trashed" {
		t.Fatalf("trash: %d %v", st, p)
	} else if at, err := time.Parse(time.RFC3339, fmt.Sprint(p["trashed_at"])); err != nil || time.Since(at).Abs() > time.Minute {
		t.Errorf("trashed_at: %v (%v)", p["trashed_at"], err)
	}
	if st, _ := pubAPI(t, e, "POST", "/api/v1/posts/"+id+"/restore", bobTok, nil); st != 404 {
		t.Errorf("another author restores: %d", st)
	}
	if st, p := pubAPI(t, e, "POST", "/api/v1/posts/"+id+"/restore", annTok, nil); st != 200 || p["status"] != "draft" || p["trashed_at"] != nil {
		t.Errorf("restore: %d %v", st, p)
	}
	pubAPI(t, e, "DELETE", "/api/v1/posts/"+id, annTok, nil)
	st, body := pubAPI(t, e, "DELETE", "/api/v1/posts/"+id+"?forever=true", eve, nil)
	if prev, _ := body["previous"].(map[string]any); st != 200 || body["deleted"] != true || prev["title"] != "Trams beat buses" {
		t.Errorf("delete forever: %d %v", st, body)
	}
	if _, err := store.PostByID(context.Background(), e.Store.Pool, trams.ID); err == nil {
		t.Error("the post is still stored")
	}
	var n int
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM comments WHERE id = $1`, c.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("its comment: %d %v", n, err)
	}
	if st, _ := pubAPI(t, e, "DELETE", "/api/v1/posts/"+id+"?forever=true", eve, nil); st != 404 {
		t.Errorf("deleted twice: %d", st)
	}
}

// TestAPIAudit: admins read the audit log through the API, narrowed as
// the page narrows it, page by page; nobody else may.
func TestAPIAudit(t *testing.T) {
	e := newEnv(t)
	ada := e.token(e.MustUser("ada", account.Admin))
	ann := e.MustUser("ann", account.Author)
	eve := e.token(e.MustUser("eve", account.Editor))
	p := e.mustBodyPost(ann, "Audited", "x", time.Now().Add(-time.Hour))
	pubAPI(t, e, "DELETE", "/api/v1/posts/"+strconv.FormatInt(p.ID, 10), e.token(ann), nil)
	if err := store.Audit(context.Background(), e.Store.Pool, 0, "token.revoke", "token", 1, "", "cli"); err != nil {
		t.Fatal(err)
	}

	st, body := pubAPI(t, e, "GET", "/api/v1/audit?who=ann", ada, nil)
	items, _ := itemsOf(body)
	if st != 200 || len(items) != 2 || items[0]["action"] != "post.status" || items[1]["action"] != "post.create" || items[0]["actor"] != "ann" ||
		items[0]["after"] != "trashed" || items[0]["words"] == "" || items[0]["item_id"] != float64(p.ID) {
		t.Errorf("ann's entries: %d %v", st, body)
	}
	st, body = pubAPI(t, e, "GET", "/api/v1/audit?who=-&area=accounts", ada, nil)
	if items, _ = itemsOf(body); st != 200 || len(items) != 1 || items[0]["actor"] != nil || items[0]["who"] != "command line" {
		t.Errorf("entries without an account: %d %v", st, body)
	}
	// Page by page, newest first, to the end.
	var ids []float64
	for cur, n := "", 0; n < 10; n++ {
		st, body = pubAPI(t, e, "GET", "/api/v1/audit?limit=1&cursor="+cur, ada, nil)
		items, next := itemsOf(body)
		if st != 200 {
			t.Fatalf("page %d: %d %v", n, st, body)
		}
		for _, it := range items {
			ids = append(ids, it["id"].(float64))
		}
		if cur = next; cur == "" {
			break
		}
	}
	if len(ids) < 2 || ids[0] <= ids[1] {
		t.Errorf("pages: %v", ids)
	}
	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/audit", eve, 403},
		{"/api/v1/audit?area=nowhere", ada, 400},
		{"/api/v1/audit?limit=101", ada, 400},
		{"/api/v1/audit?cursor=x", ada, 400},
	} {
		if st, body := pubAPI(t, e, "GET", tc.path, tc.token, nil); st != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.path, st, body, tc.status)
		}
	}
}

// TestAPIQueueEmpty: a moderator's token empties the queue's trash (all
// of it) and its spam (older than the setting's days), as the buttons
// do; a member's may not.
func TestAPIQueueEmpty(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	mod := e.token(e.MustUser("mo", account.Moderator))
	meg := e.token(e.MustUser("meg", account.Member))
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	for _, st := range []comment.Status{comment.StatusTrash, comment.StatusTrash, comment.StatusSpam, comment.StatusHeld} {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: st, AuthorName: "R", BodyHTML: "<p>x</p>"}}
		if err := store.CreateComment(context.Background(), e.Store.Pool, n); err != nil {
			t.Fatal(err)
		}
	}
	if st, body := pubAPI(t, e, "POST", "/api/v1/moderation/queue/empty-trash", meg, nil); st != 403 {
		t.Errorf("a member empties the trash: %d %v", st, body)
	}
	if st, body := pubAPI(t, e, "POST", "/api/v1/moderation/queue/empty-trash", mod, nil); st != 200 || body["deleted"] != 2.0 {
		t.Errorf("empty trash: %d %v", st, body)
	}
	// The spam is new: 15 days keep it; 0 takes it.
	if st, body := pubAPI(t, e, "POST", "/api/v1/moderation/queue/empty-spam", mod, nil); st != 200 || body["deleted"] != 0.0 {
		t.Errorf("empty spam within its days: %d %v", st, body)
	}
	e.Settings(func(s *commenting.Settings) { s.SpamDays = 0 })
	if st, body := pubAPI(t, e, "POST", "/api/v1/moderation/queue/empty-spam", mod, nil); st != 200 || body["deleted"] != 1.0 {
		t.Errorf("empty spam: %d %v", st, body)
	}
	var left int
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM comments`).Scan(&left); err != nil || left != 1 {
		t.Errorf("left: %d %v", left, err)
	}
}
