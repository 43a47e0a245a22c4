package server

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/post"
)

// itemsOf returns a list answer's items, and its next cursor ("" at the end).
func itemsOf(body map[string]any) ([]map[string]any, string) {
	raw, _ := body["items"].([]any)
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i], _ = it.(map[string]any)
	}
	next, _ := body["next_cursor"].(string)
	return out, next
}

// TestAPITerms: editors list, rename, merge and delete tags and
// categories through the API, page by page, with the page's refusals;
// writers and members may not.
func TestAPITerms(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Author)
	eve := e.token(e.MustUser("eve", account.Editor))
	annTok := e.token(ann)
	e.taggedPost(ann, "Channels", "Go, Concurrency, Zebra", "Software", post.Published)
	e.taggedPost(ann, "Goroutines", "Concurrency, golang", "", post.Published)
	e.taggedPost(ann, "Half done", "Go", "", post.Draft)
	e.taggedPost(ann, "Binned", "Go", "", post.Trashed)
	e.taggedPost(ann, "Umlauts", "Ärger, Öl", "", post.Draft) // non-ASCII names page through too

	// Every tag by name, one a page, through the cursor.
	var slugs []string
	posts := map[string]float64{}
	for cur, n := "", 0; n < 10; n++ {
		st, body := pubAPI(t, e, "GET", "/api/v1/tags?limit=1&cursor="+url.QueryEscape(cur), eve, nil)
		items, next := itemsOf(body)
		if st != 200 || len(items) > 1 {
			t.Fatalf("tags page %d: %d %v", n, st, body)
		}
		for _, it := range items {
			slugs = append(slugs, it["slug"].(string))
			posts[it["slug"].(string)] = it["posts"].(float64)
			if it["kind"] != "tag" || it["url"] != e.TS.URL+"/tags/"+it["slug"].(string) {
				t.Errorf("tag: %v", it)
			}
		}
		if cur = next; cur == "" {
			break
		}
	}
	if want := []string{"concurrency", "go", "golang", "zebra", "arger", "ol"}; !slices.Equal(slugs, want) && !slices.Equal(slugs, []string{"arger", "concurrency", "go", "golang", "ol", "zebra"}) {
		t.Errorf("tags: %v, want %v", slugs, want)
	}
	if posts["go"] != 2 || posts["concurrency"] != 2 { // the draft counts, the trash does not
		t.Errorf("counts: %v", posts)
	}
	if st, body := pubAPI(t, e, "GET", "/api/v1/categories", eve, nil); st != 200 || len(body["items"].([]any)) != 1 || body["next_cursor"] != nil {
		t.Errorf("categories: %d %v", st, body)
	}
	for _, tc := range []struct {
		method, path, token string
		body                any
		status              int
	}{
		{"GET", "/api/v1/tags", annTok, nil, 403},
		{"GET", "/api/v1/tags?cursor=nonsense", eve, nil, 400},
		{"GET", "/api/v1/tags?limit=501", eve, nil, 400},
		{"PATCH", "/api/v1/tags/go", annTok, map[string]any{"name": "Golang"}, 403},
		{"PATCH", "/api/v1/tags/nope", eve, map[string]any{"name": "Nope"}, 404},
		{"PATCH", "/api/v1/tags/go", eve, map[string]any{"name": "Go, again"}, 400},
		{"PATCH", "/api/v1/tags/go", eve, map[string]any{"slug": "golang"}, 409},
		{"PATCH", "/api/v1/tags/go", eve, map[string]any{"colour": "red"}, 400},
		{"POST", "/api/v1/tags/golang/merge", eve, map[string]any{"into": "nope"}, 400},
		{"POST", "/api/v1/tags/golang/merge", eve, map[string]any{"into": "software"}, 400}, // a category
		{"POST", "/api/v1/tags/golang/merge", annTok, map[string]any{"into": "go"}, 403},
		{"DELETE", "/api/v1/tags/zebra", annTok, nil, 403},
	} {
		if st, body := pubAPI(t, e, tc.method, tc.path, tc.token, tc.body); st != tc.status {
			t.Errorf("%s %s %v: %d %v, want %d", tc.method, tc.path, tc.body, st, body, tc.status)
		}
	}
	if e.termID(post.Tag, "go") == 0 || e.termID(post.Tag, "golang") == 0 || e.termID(post.Tag, "zebra") == 0 {
		t.Fatal("a refusal changed the tags")
	}

	// A new name alone keeps the address; a new address moves it.
	if st, body := pubAPI(t, e, "PATCH", "/api/v1/tags/go", eve, map[string]any{"name": "Go language"}); st != 200 ||
		body["name"] != "Go language" || body["slug"] != "go" {
		t.Errorf("rename: %d %v", st, body)
	}
	if st, body := pubAPI(t, e, "PATCH", "/api/v1/tags/go", eve, map[string]any{"slug": "go-lang"}); st != 200 ||
		body["name"] != "Go language" || body["slug"] != "go-lang" || body["url"] != e.TS.URL+"/tags/go-lang" {
		t.Errorf("new address: %d %v", st, body)
	}
	st, body := pubAPI(t, e, "POST", "/api/v1/tags/golang/merge", eve, map[string]any{"into": "go-lang"})
	if into, _ := body["into"].(map[string]any); st != 200 || body["posts_gained"] != 1.0 || into["slug"] != "go-lang" {
		t.Errorf("merge: %d %v", st, body)
	}
	if e.termID(post.Tag, "golang") != 0 {
		t.Error("merged tag still there")
	}
	st, body = pubAPI(t, e, "DELETE", "/api/v1/tags/zebra", eve, nil)
	if prev, _ := body["previous"].(map[string]any); st != 200 || body["deleted"] != true || prev["slug"] != "zebra" {
		t.Errorf("delete: %d %v", st, body)
	}
	if st, _ := pubAPI(t, e, "DELETE", "/api/v1/tags/zebra", eve, nil); st != 404 {
		t.Errorf("deleted twice: %d", st)
	}
	if st, body := pubAPI(t, e, "PATCH", "/api/v1/categories/software", eve, map[string]any{"name": "Programs"}); st != 200 || body["kind"] != "category" {
		t.Errorf("category rename: %d %v", st, body)
	}
	// Each change is in the audit log, as the page's are.
	st, body = pubAPI(t, e, "GET", "/api/v1/audit?area=posts", e.token(e.MustUser("ada", account.Admin)), nil)
	items, _ := itemsOf(body)
	terms := 0
	for _, it := range items {
		if a, _ := it["action"].(string); strings.HasPrefix(a, "term.") {
			terms++
			if it["actor"] != "eve" || it["who"] != "eve" {
				t.Errorf("audit entry: %v", it)
			}
		}
	}
	if st != 200 || terms != 5 {
		t.Errorf("audit: %d, %d term entries: %v", st, terms, body)
	}
}
