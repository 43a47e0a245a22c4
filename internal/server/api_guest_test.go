package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/guestpost"
	"quire/internal/store"
)

// TestAPIGuestPosts: a public submission answers 202 with its status link;
// editors list, read and act on it; the queue lists it as kind guest_post;
// authors may not review; a flood answers 429 in JSON.
func TestAPIGuestPosts(t *testing.T) {
	e := newEnv(t)
	eve, bob := e.MustUser("eve", account.Editor), e.MustUser("bob", account.Author)
	tok, btok := e.token(eve), e.token(bob)
	in := map[string]any{"title": "By API", "body": "Text with [a link](https://x.invalid/).", "format": "markdown",
		"name": "Api Guest", "email": "api@mail.invalid", "bio": "Bio.", "website": "https://x.invalid/", "note": "Hi"}
	st, out := apiCall(t, e, "POST", "/api/v1/guest-posts", "", in)
	if st != http.StatusAccepted || out["status"] != "received" || !strings.Contains(fmt.Sprint(out["status_url"]), "/guest-posts/status/") {
		t.Fatalf("create: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	if r := e.Get(e.Client(), strings.TrimPrefix(out["status_url"].(string), e.TS.URL)); r.StatusCode != 200 {
		t.Errorf("status_url: %d", r.StatusCode)
	}
	if st, out := apiCall(t, e, "POST", "/api/v1/guest-posts", "", map[string]any{"title": ""}); st != 400 || errCode(out) != "invalid" {
		t.Errorf("invalid: %d %v", st, out)
	}
	st, out = apiCall(t, e, "GET", "/api/v1/guest-posts", tok, nil)
	if items, _ := out["items"].([]any); st != 200 || len(items) != 1 {
		t.Fatalf("list: %d %v", st, out)
	}
	st, out = apiCall(t, e, "GET", "/api/v1/moderation/queue?kind=guest_post", tok, nil)
	if items, _ := out["items"].([]any); st != 200 || len(items) != 1 || items[0].(map[string]any)["kind"] != "guest_post" {
		t.Fatalf("queue: %d %v", st, out)
	}
	if st, _ := apiCall(t, e, "GET", "/api/v1/guest-posts", btok, nil); st != http.StatusForbidden {
		t.Errorf("author lists: %d", st)
	}
	path := fmt.Sprintf("/api/v1/guest-posts/%d", id)
	if st, _ := apiCall(t, e, "POST", path+"/request_changes", tok, map[string]any{}); st != 400 {
		t.Errorf("request_changes without a message: %d", st)
	}
	at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	st, out = apiCall(t, e, "POST", path+"/accept", tok, map[string]any{"published_at": at, "tags": []string{"api"}, "slug": "by-api"})
	if st != 200 || out["status"] != "scheduled" || out["post_id"] == nil {
		t.Fatalf("accept: %d %v", st, out)
	}
	p, err := store.PostBySlug(context.Background(), e.Store.Pool, "post", "by-api")
	if err != nil || !p.PublishedAt.Equal(at) || p.Author.GuestName != "Api Guest" {
		t.Fatalf("post: %+v %v", p, err)
	}
	if st, _ := apiCall(t, e, "POST", path+"/decline", tok, map[string]any{"message": "no"}); st != http.StatusConflict {
		t.Errorf("decline after accept: %d", st)
	}
	for i := 1; i < guestpost.FloodPerIP; i++ {
		in["email"] = fmt.Sprintf("api%d@mail.invalid", i)
		if st, _ := apiCall(t, e, "POST", "/api/v1/guest-posts", "", in); st != 202 {
			t.Fatalf("submission %d: %d", i, st)
		}
	}
	in["email"] = "last@mail.invalid"
	if st, out := apiCall(t, e, "POST", "/api/v1/guest-posts", "", in); st != 429 || errCode(out) != "rate_limited" {
		t.Errorf("flood: %d %v", st, out)
	}
}
