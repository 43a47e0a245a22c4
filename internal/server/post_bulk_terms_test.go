package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
)

// TestPostsBulkTerms: the posts list adds a tag or category to the ticked
// posts (making it when new) or takes it off, each post under its own
// permission check; a post that had it already does not count, a bad name
// changes nothing and says why, and the tag's page lists the posts.
func TestPostsBulkTerms(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Editor)
	bo := e.MustUser("bo", account.Author)
	now := time.Now().Add(-time.Hour)
	a1 := e.mustBodyPost(ann, "Ann one", "x", now)
	a2 := e.taggedPost(ann, "Ann two", "Travel", "", post.Published)
	b1 := e.mustBodyPost(bo, "Bo one", "x", now)
	ed, au := e.signedIn("ann"), e.signedIn("bo")
	bulk := func(c *http.Client, action, term string, ps ...int64) string {
		t.Helper()
		v := url.Values{"action": {action}, "term": {term}, "back": {"/admin/posts"}}
		for _, id := range ps {
			v.Add("id", strconv.FormatInt(id, 10))
		}
		if res := e.PostForm(c, "/admin/posts/bulk", v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %q: %d", action, term, res.StatusCode)
		}
		return e.page(c, "/admin/posts").Find(".flash").Text()
	}
	if d := e.page(ed, "/admin/posts"); d.Find(`#posts-bulk option[value=add_tag]`).Length() != 1 || d.Find(`#posts-bulk input[name=term]`).Length() != 1 {
		t.Error("the list does not offer Add the tag")
	}
	if got := bulk(ed, "add_tag", " travel ", a1.ID, a2.ID, b1.ID); got != "Added the tag “Travel” to 2 posts." {
		t.Errorf("add: %q", got) // a2 had it; the existing tag keeps its name
	}
	if got := bulk(au, "add_category", "Notes", a1.ID, b1.ID); got != "Added the category “Notes” to 1 post. 1 post left as it was: You may not edit “Ann one”." {
		t.Errorf("an author's add: %q", got)
	}
	d := e.page(e.Client(), "/tags/travel")
	for _, title := range []string{"Ann one", "Ann two", "Bo one"} {
		if d.Find(`a:contains("`+title+`")`).Length() == 0 {
			t.Errorf("the tag's page lacks %q", title)
		}
	}
	if got := bulk(ed, "remove_tag", "Travel", a2.ID, b1.ID); got != "Took the tag “Travel” off 2 posts." {
		t.Errorf("remove: %q", got)
	}
	if got := bulk(ed, "add_tag", "", a1.ID); got != "Nothing was changed: Use names of 1 to 100 characters." {
		t.Errorf("no name: %q", got)
	}
	if got := bulk(ed, "add_tag", "a, b", a1.ID); got != "Nothing was changed: A tag's name may not hold a comma: the editor separates them with commas." {
		t.Errorf("a comma: %q", got)
	}
	if p, err := e.Srv.publishing.Readable(t.Context(), ann, b1.ID); err != nil || len(p.Tags) != 0 || len(p.Categories) != 1 {
		t.Errorf("Bo one's terms: %+v %+v %v", p.Tags, p.Categories, err)
	}
	audit := e.page(e.signedIn("admin"), "/admin/audit").Text()
	for _, want := range []string{"added tag Travel (travel)", "removed tag Travel (travel)"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}

// TestAPIPostsBulk: the API's bulk actions on posts, as the list's: a tag
// added to an editor's posts and an author's own, another's refused with
// its reason; taken off; trash and restore; an unknown action, no posts
// and a member's token refused.
func TestAPIPostsBulk(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Editor)
	bo := e.MustUser("bo", account.Author)
	now := time.Now().Add(-time.Hour)
	a1 := e.mustBodyPost(ann, "Ann one", "x", now)
	b1 := e.mustBodyPost(bo, "Bo one", "x", now)
	edTok, boTok := e.token(ann), e.token(bo)
	call := func(tok string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return pubAPI(t, e, "POST", "/api/v1/posts/bulk", tok, body)
	}
	ids := func(v any) string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, strconv.FormatInt(int64(x.(float64)), 10))
		}
		return strings.Join(out, ",")
	}
	st, body := call(boTok, map[string]any{"ids": []int64{a1.ID, b1.ID}, "action": "add_tag", "term": "Travel"})
	refused, _ := body["refused"].([]any)
	if st != 200 || ids(body["changed"]) != strconv.FormatInt(b1.ID, 10) || len(refused) != 1 ||
		refused[0].(map[string]any)["id"] != float64(a1.ID) || refused[0].(map[string]any)["reason"] == "" {
		t.Errorf("an author's add: %d %v", st, body)
	}
	st, body = call(edTok, map[string]any{"ids": []int64{a1.ID, b1.ID}, "action": "add_tag", "term": "travel"})
	if term, _ := body["term"].(map[string]any); st != 200 || ids(body["changed"]) != strconv.FormatInt(a1.ID, 10) || term["name"] != "Travel" {
		t.Errorf("the editor's add: %d %v", st, body)
	}
	if p, _ := store.PostByID(t.Context(), e.Store.Pool, a1.ID); len(p.Tags) != 1 || p.Tags[0].Name != "Travel" {
		t.Errorf("Ann's tags: %v", p.Tags)
	}
	st, body = call(edTok, map[string]any{"ids": []int64{a1.ID, b1.ID}, "action": "remove_tag", "term": "Travel"})
	if st != 200 || ids(body["changed"]) != strconv.FormatInt(a1.ID, 10)+","+strconv.FormatInt(b1.ID, 10) {
		t.Errorf("remove: %d %v", st, body)
	}
	if st, body = call(edTok, map[string]any{"ids": []int64{b1.ID}, "action": "trash"}); st != 200 || ids(body["changed"]) != strconv.FormatInt(b1.ID, 10) {
		t.Errorf("trash: %d %v", st, body)
	}
	if st, body = call(boTok, map[string]any{"ids": []int64{b1.ID}, "action": "restore"}); st != 200 || ids(body["changed"]) != strconv.FormatInt(b1.ID, 10) {
		t.Errorf("restore: %d %v", st, body)
	}
	for _, tc := range []struct {
		tok  string
		body map[string]any
		want int
	}{
		{edTok, map[string]any{"ids": []int64{a1.ID}, "action": "publish"}, 400},
		{edTok, map[string]any{"ids": []int64{}, "action": "trash"}, 400},
		{edTok, map[string]any{"ids": []int64{a1.ID}, "action": "add_tag", "term": "a,b"}, 400},
		{e.token(e.MustUser("mem", account.Member)), map[string]any{"ids": []int64{a1.ID}, "action": "trash"}, 403},
	} {
		if st, body := call(tc.tok, tc.body); st != tc.want {
			t.Errorf("%v: %d %v, want %d", tc.body, st, body, tc.want)
		}
	}
	if p, _ := store.PostByID(t.Context(), e.Store.Pool, a1.ID); p.Status != post.Published {
		t.Errorf("a refused call changed Ann's post: %s", p.Status)
	}
}
