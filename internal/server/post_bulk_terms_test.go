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
