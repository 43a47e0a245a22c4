package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/store"
)

// apiDo sends a JSON request with token and decodes the answer.
func pubAPI(t *testing.T, e *testEnv, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, e.TS.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return res.StatusCode, out
}

func (e *testEnv) token(u *account.User) string {
	e.t.Helper()
	tok, hash, err := account.NewToken()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := store.CreateToken(context.Background(), e.Store.Pool, u.ID, "t", hash); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func TestAPIPosts(t *testing.T) {
	e := newEnv(t)
	ann := e.token(e.MustUser("ann", account.Author))
	bob := e.token(e.MustUser("bob", account.Author))
	cal := e.token(e.MustUser("cal", account.Contributor))
	eve := e.token(e.MustUser("eve", account.Editor))

	st, p := pubAPI(t, e, "POST", "/api/v1/posts", ann, map[string]any{
		"title": "Via the API", "body": "Some *Markdown*.", "status": "published",
		"tags": []string{"Go", "API"}, "categories": []string{"Notes"}, "comment_policy": "members",
	})
	if st != 201 || p["slug"] != "via-the-api" || p["body_html"] != "<p>Some <em>Markdown</em>.</p>\n" || p["status"] != "published" ||
		p["url"] != e.TS.URL+"/posts/via-the-api" || p["published_at"] == nil || p["comment_policy"] != "members" {
		t.Fatalf("create: %d %v", st, p)
	}
	id := strconv.FormatInt(int64(p["id"].(float64)), 10)
	if a, _ := p["author"].(map[string]any); a["username"] != "ann" {
		t.Errorf("author: %v", p["author"])
	}
	// Validation errors name the field.
	st, p = pubAPI(t, e, "POST", "/api/v1/posts", ann, map[string]any{"title": "", "format": "rst"})
	if f, _ := p["error"].(map[string]any)["fields"].(map[string]any); st != 400 || f["title"] == nil || f["format"] == nil {
		t.Errorf("invalid: %d %v", st, p)
	}
	st, p = pubAPI(t, e, "POST", "/api/v1/posts", ann, map[string]any{"title": "Dup", "slug": "via-the-api"})
	if st != 409 {
		t.Errorf("taken slug: %d %v", st, p)
	}
	// Contributors may not publish, only submit.
	if st, p = pubAPI(t, e, "POST", "/api/v1/posts", cal, map[string]any{"title": "C", "status": "published"}); st != 403 {
		t.Errorf("contributor publish: %d %v", st, p)
	}
	if st, p = pubAPI(t, e, "POST", "/api/v1/posts", cal, map[string]any{"title": "C", "status": "pending"}); st != 201 {
		t.Errorf("contributor submit: %d %v", st, p)
	}
	// Scheduling: published with a future date.
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	if st, p = pubAPI(t, e, "POST", "/api/v1/posts", ann, map[string]any{"title": "Later", "status": "published", "published_at": future}); st != 201 || p["status"] != "scheduled" {
		t.Errorf("schedule: %d %v", st, p)
	}
	// Bob can read Ann's published post but not change or trash it.
	if st, _ = pubAPI(t, e, "GET", "/api/v1/posts/"+id, bob, nil); st != 200 {
		t.Errorf("read: %d", st)
	}
	if st, _ = pubAPI(t, e, "PATCH", "/api/v1/posts/"+id, bob, map[string]any{"title": "Mine"}); st != 403 {
		t.Errorf("bob patch: %d", st)
	}
	if st, _ = pubAPI(t, e, "DELETE", "/api/v1/posts/"+id, bob, nil); st != 403 {
		t.Errorf("bob delete: %d", st)
	}
	// Ann patches one field; the rest stays.
	st, p = pubAPI(t, e, "PATCH", "/api/v1/posts/"+id, ann, map[string]any{"title": "Renamed"})
	if st != 200 || p["title"] != "Renamed" || p["body"] != "Some *Markdown*." || len(p["tags"].([]any)) != 2 {
		t.Errorf("patch: %d %v", st, p)
	}
	// Lists: Ann sees her own (two), Eve everything but trash, filters work.
	_, l := pubAPI(t, e, "GET", "/api/v1/posts", ann, nil)
	if n := len(l["items"].([]any)); n != 2 {
		t.Errorf("ann's list: %d", n)
	}
	// A list's items are whole posts, sources included, as the schema
	// says: a client that edits from the list must not read "" as the body.
	for _, it := range l["items"].([]any) {
		if p := it.(map[string]any); p["title"] == "Renamed" && p["body"] != "Some *Markdown*." {
			t.Errorf("the list shows the body as %q", p["body"])
		}
	}
	_, l = pubAPI(t, e, "GET", "/api/v1/posts?limit=2", eve, nil)
	if n := len(l["items"].([]any)); n != 2 || l["next_cursor"] == nil {
		t.Errorf("eve's first page: %d %v", n, l["next_cursor"])
	}
	_, l = pubAPI(t, e, "GET", "/api/v1/posts?limit=2&cursor="+l["next_cursor"].(string), eve, nil)
	if n := len(l["items"].([]any)); n != 1 || l["next_cursor"] != nil {
		t.Errorf("eve's second page: %d %v", n, l)
	}
	for q, want := range map[string]int{"status=pending": 1, "tag=go": 1, "category=notes": 1, "tag=none": 0, "author=cal": 1} {
		st, l := pubAPI(t, e, "GET", "/api/v1/posts?"+q, eve, nil)
		if items, _ := l["items"].([]any); st != 200 || len(items) != want {
			t.Errorf("filter %s: %d %d", q, st, len(items))
		}
	}
	// Bob naming Ann sees only her public posts.
	if _, l = pubAPI(t, e, "GET", "/api/v1/posts?author=ann", bob, nil); len(l["items"].([]any)) != 1 {
		t.Errorf("bob lists ann: %v", l)
	}
	if st, _ = pubAPI(t, e, "GET", "/api/v1/posts?status=nope", eve, nil); st != 400 {
		t.Errorf("bad status: %d", st)
	}
	// Delete moves to the trash.
	if st, p = pubAPI(t, e, "DELETE", "/api/v1/posts/"+id, ann, nil); st != 200 || p["status"] != "trashed" {
		t.Errorf("delete: %d %v", st, p)
	}
	if st, _ = pubAPI(t, e, "GET", "/api/v1/posts/"+id, bob, nil); st != 404 {
		t.Errorf("trashed post visible to bob: %d", st)
	}
}
