package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"quire/internal/account"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// taggedPost publishes a post by author with tags and categories.
func (e *testEnv) taggedPost(author *account.User, title, tags, categories string, st post.Status) *post.Post {
	e.t.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, BodySource: "About " + title + ".", Status: st,
		PublishedAt: time.Now().Add(-time.Hour), CommentPolicy: post.CommentsOpen,
		Tags: post.ParseTerms(post.Tag, tags), Categories: post.ParseTerms(post.Category, categories)}
	p.Normalize()
	if err := p.Render(renderer()); err != nil {
		e.t.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), e.Store.Pool, nil, author.ID, p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// termID is the id of the term of kind at slug, 0 when there is none.
func (e *testEnv) termID(kind post.TermKind, slug string) int64 {
	t, err := store.TermBySlug(context.Background(), e.Store.Pool, kind, slug)
	if err != nil {
		return 0
	}
	return t.ID
}

// TestTermsAdmin: editors rename, merge and delete tags and categories;
// each change shows at once on every node's cached pages, is audited,
// and a refusal changes nothing and says why in the term's row.
func TestTermsAdmin(t *testing.T) {
	dbURL := storetest.URL(t)
	a, b := cacheNode(t, dbURL), cacheNode(t, dbURL)
	ann := a.MustUser("ann", account.Author)
	a.MustUser("eve", account.Editor)
	p1 := a.taggedPost(ann, "Channels", "Go, Concurrency", "Software", post.Published)
	p2 := a.taggedPost(ann, "Goroutines", "Concurrency", "", post.Published)
	a.taggedPost(ann, "Half done", "Go", "", post.Draft)
	ed, au := a.Client(), a.Client()
	a.SignIn(ed, "eve")
	a.SignIn(au, "ann")

	d := a.page(ed, "/admin/tags")
	var rows []string
	d.Find("li.term-edit .term-edit-head").Each(func(_ int, s *goquery.Selection) { rows = append(rows, strings.Join(strings.Fields(s.Text()), " ")) })
	if strings.Join(rows, " | ") != "Concurrency /tags/concurrency · 2 posts | Go /tags/go · 2 posts" {
		t.Errorf("tags listed: %q", rows)
	}
	if got := a.page(ed, "/admin/tags?kind=category").Find("li.term-edit strong").Text(); got != "Software" {
		t.Errorf("categories listed: %q", got)
	}
	// Only editors and admins.
	if res := a.Get(au, "/admin/tags"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author's tag list: %d", res.StatusCode)
	}
	goID := a.termID(post.Tag, "go")
	form := func(v url.Values) url.Values { v.Set("kind", "tag"); return v }
	if res := a.PostForm(au, "/admin/terms/"+strconv.FormatInt(goID, 10), form(url.Values{"name": {"X"}})); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author renamed a tag: %d", res.StatusCode)
	}

	// Rename, seen on the other node's cached post page at once.
	warm(t, b, p1.Path())
	res := a.PostForm(ed, "/admin/terms/"+strconv.FormatInt(goID, 10), form(url.Values{"name": {"Golang"}, "slug": {"golang"}}))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/tags" {
		t.Fatalf("rename: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	cachedShows(t, b, p1.Path(), `href="/tags/golang"`, true, "a renamed tag on a cached post page")
	if st, _, _ := fetchPage(t, b, "/tags/go"); st != http.StatusNotFound {
		t.Errorf("the old tag page: %d", st)
	}
	if f := a.page(ed, "/admin/tags").Find(".flash").Text(); f != "Saved: “Golang” at /tags/golang." {
		t.Errorf("flash %q", f)
	}

	// Refusals: the address of another tag, a comma, nothing to merge into,
	// itself. Each says why in its row and changes nothing.
	for _, tc := range []struct {
		path   string
		v      url.Values
		status int
		want   string
	}{
		{"", url.Values{"name": {"Golang"}, "slug": {"concurrency"}}, http.StatusConflict, "already has that address"},
		{"", url.Values{"name": {"Go, again"}}, http.StatusBadRequest, "may not hold a comma"},
		{"/merge", url.Values{"into": {"rust"}}, http.StatusBadRequest, "No tag has the address “rust”"},
		{"/merge", url.Values{"into": {"golang"}}, http.StatusBadRequest, "Merge a tag into another tag"},
	} {
		res := a.PostForm(ed, "/admin/terms/"+strconv.FormatInt(goID, 10)+tc.path, form(tc.v))
		d := Doc(t, res)
		if got := d.Find("#term-" + strconv.FormatInt(goID, 10) + " .error").Text(); res.StatusCode != tc.status || !strings.Contains(got, tc.want) {
			t.Errorf("%s %v: %d %q, want %d %q", tc.path, tc.v, res.StatusCode, got, tc.status, tc.want)
		}
	}
	if a.termID(post.Tag, "golang") != goID || a.termID(post.Tag, "concurrency") == 0 {
		t.Fatal("a refused change changed the tags")
	}

	// Merge Concurrency into Golang: p2 gains Golang, p1 keeps one.
	conc := a.termID(post.Tag, "concurrency")
	res = a.PostForm(ed, "/admin/terms/"+strconv.FormatInt(conc, 10)+"/merge", form(url.Values{"into": {"golang"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", res.StatusCode)
	}
	if f := a.page(ed, "/admin/tags").Find(".flash").Text(); f != "Merged into “Golang”: 1 post gained it." {
		t.Errorf("flash %q", f)
	}
	cachedShows(t, b, p2.Path(), `href="/tags/golang"`, true, "a merged tag on a cached post page")
	if a.termID(post.Tag, "concurrency") != 0 {
		t.Error("the merged tag is still there")
	}
	if got := a.page(ed, "/admin/tags").Find("li.term-edit .hint").Text(); !strings.Contains(got, "3 posts") {
		t.Errorf("after the merge: %q", got)
	}

	// Delete: the posts lose it, keep the rest.
	sw := a.termID(post.Category, "software")
	res = a.PostForm(ed, "/admin/terms/"+strconv.FormatInt(sw, 10)+"/delete", url.Values{"kind": {"category"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/tags?kind=category" {
		t.Fatalf("delete: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	cachedShows(t, b, p1.Path(), `href="/categories/software"`, false, "a deleted category on a cached post page")
	cachedShows(t, b, p1.Path(), `href="/tags/golang"`, true, "the post's other terms")
	if res := a.PostForm(ed, "/admin/terms/"+strconv.FormatInt(sw, 10)+"/delete", url.Values{"kind": {"category"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("deleting it again: %d", res.StatusCode)
	}

	audit := a.page(a.signedIn("admin"), "/admin/audit").Text()
	for _, want := range []string{"Renamed", "Go (go)", "Golang (golang)", "Merged into another", "Concurrency (concurrency)", "Software (software)"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}
