package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/store"
)

// postStatus is post id's stored status.
func (e *testEnv) postStatus(id int64) string {
	e.t.Helper()
	var st string
	if err := e.Store.Pool.QueryRow(context.Background(), `SELECT status FROM posts WHERE id = $1`, id).Scan(&st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

// TestPostsBulk: the posts list moves the ticked posts to the trash, or
// takes them out as drafts, each under its own permission check; what is
// left as it was is said, and the list comes back as it was.
func TestPostsBulk(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Editor)
	bo := e.MustUser("bo", account.Author)
	now := time.Now().Add(-time.Hour)
	a1, a2 := e.mustBodyPost(ann, "Ann one", "x", now), e.mustBodyPost(ann, "Ann two", "x", now)
	b1 := e.mustBodyPost(bo, "Bo one", "x", now)
	ed, au := e.Client(), e.Client()
	e.SignIn(ed, "ann")
	e.SignIn(au, "bo")
	e.allowFastForms()
	c := commentID(t, e.Comment(e.Client(), a2, guest("Cy", "cy@mail.invalid", "On a post that will go.")))
	ids := func(ps ...int64) url.Values {
		v := url.Values{}
		for _, id := range ps {
			v.Add("id", strconv.FormatInt(id, 10))
		}
		return v
	}
	bulk := func(c *http.Client, v url.Values, action, back string) (*http.Response, string) {
		t.Helper()
		v.Set("action", action)
		v.Set("back", back)
		res := e.PostForm(c, "/admin/posts/bulk", v)
		flash := ""
		if res.StatusCode == http.StatusSeeOther {
			flash = e.page(c, "/admin").Find(".flash").Text()
		}
		return res, flash
	}

	// The list offers the box and the action that fits the tab.
	d := e.page(ed, "/admin/posts?q=one")
	if d.Find(`#posts-bulk input[name=id]`).Length() != 2 || d.Find(`#posts-bulk option[value=trash]`).Length() != 1 {
		t.Errorf("the list's bulk form: %d boxes", d.Find(`#posts-bulk input[name=id]`).Length())
	}
	if v, _ := d.Find(`#posts-bulk input[name=back]`).Attr("value"); v != "/admin/posts?q=one" {
		t.Errorf("the way back: %q", v)
	}

	// An author trashes their own post; the editor's is left, and why.
	res, flash := bulk(au, ids(b1.ID, a1.ID), "trash", "/admin/posts")
	if res.Header.Get("Location") != "/admin/posts" || !strings.HasPrefix(flash, "Moved 1 post to the trash. 1 post left as it was: ") ||
		e.postStatus(b1.ID) != "trashed" || e.postStatus(a1.ID) != "published" {
		t.Errorf("an author's bulk trash: %q %q; %s %s", res.Header.Get("Location"), flash, e.postStatus(b1.ID), e.postStatus(a1.ID))
	}
	// An editor trashes two, back to the list they came from.
	res, flash = bulk(ed, ids(a1.ID, a2.ID), "trash", "/admin/posts?q=ann")
	if res.Header.Get("Location") != "/admin/posts?q=ann" || flash != "Moved 2 posts to the trash." ||
		e.postStatus(a1.ID) != "trashed" || e.postStatus(a2.ID) != "trashed" {
		t.Errorf("an editor's bulk trash: %q %q", res.Header.Get("Location"), flash)
	}
	// The Trashed tab restores, as drafts.
	d = e.page(ed, "/admin/posts?status=trashed")
	if d.Find(`#posts-bulk option[value=restore]`).Length() != 1 || d.Find(`#posts-bulk option[value=trash]`).Length() != 0 {
		t.Error("the trash tab does not offer Restore")
	}
	if _, flash = bulk(ed, ids(a1.ID, b1.ID), "restore", "/admin/posts?status=trashed"); flash != "Restored 2 posts as drafts." ||
		e.postStatus(a1.ID) != "draft" || e.postStatus(b1.ID) != "draft" {
		t.Errorf("restore: %q", flash)
	}
	if _, flash = bulk(ed, ids(a1.ID), "restore", "/admin/posts"); flash != "Restored 0 posts as drafts. 1 post left as it was: Only a post in the trash can be restored." {
		t.Errorf("restoring a draft: %q", flash)
	}
	// Delete forever: only from the trash, only one's own for an author;
	// the comments go with the post.
	if d := e.page(ed, "/admin/posts?status=trashed"); d.Find(`#posts-bulk option[value=delete]`).Length() != 1 {
		t.Error("the trash tab does not offer Delete forever")
	}
	if _, flash = bulk(ed, ids(a1.ID), "delete", "/admin/posts"); flash != "Deleted 0 posts forever. 1 post left as it was: Only a post in the trash can be deleted forever." {
		t.Errorf("deleting a draft: %q", flash)
	}
	if _, flash = bulk(au, ids(a2.ID), "delete", "/admin/posts"); !strings.HasPrefix(flash, "Deleted 0 posts forever. 1 post left as it was: ") {
		t.Errorf("an author deleting an editor's post: %q", flash)
	}
	// The trashed post's editor offers Delete forever instead of Trash.
	form := e.page(ed, "/admin/posts/"+strconv.FormatInt(a2.ID, 10)).Find(`form.trash`)
	if form.AttrOr("action", "") != "/admin/posts/bulk" || form.Find(`input[name=action]`).AttrOr("value", "") != "delete" {
		t.Errorf("a trashed post's editor: %q", form.AttrOr("action", ""))
	}
	// It says until when the post stays: its trashing (set 10 days back
	// here, its last change left) and the site's 30 days.
	if _, err := e.Store.Pool.Exec(context.Background(), `UPDATE posts SET trashed_at = now() - interval '10 days' WHERE id = $1`, a2.ID); err != nil {
		t.Fatal(err)
	}
	stored, err := store.PostByID(context.Background(), e.Store.Pool, a2.ID)
	if err != nil {
		t.Fatal(err)
	}
	form = e.page(ed, "/admin/posts/"+strconv.FormatInt(a2.ID, 10)).Find(`form.trash`)
	want := "In the trash until " + stored.TrashedAt.AddDate(0, 0, 30).Format("2 January 2006") + ", then deleted for good"
	if note := form.Find("#trash-note").Text(); !strings.Contains(note, want) {
		t.Errorf("trash note %q, want %q", note, want)
	}
	if _, flash = bulk(ed, ids(a2.ID), "delete", "/admin/posts?status=trashed"); flash != "Deleted 1 post forever." {
		t.Errorf("delete forever: %q", flash)
	}
	if _, err := store.PostByID(context.Background(), e.Store.Pool, a2.ID); err == nil {
		t.Error("the deleted post is still stored")
	}
	if e.commentStatus(c) != "gone" {
		t.Error("the deleted post's comment is still stored")
	}
	if !strings.Contains(e.page(e.signedIn("admin"), "/admin/audit").Text(), "Deleted forever") {
		t.Error("the audit log does not say a post was deleted forever")
	}

	// Nothing ticked; a foreign way back; refusals.
	if res, flash := bulk(ed, url.Values{}, "trash", "https://elsewhere.invalid/"); res.Header.Get("Location") != "/admin/posts" ||
		flash != "Nothing was changed: tick the posts first." {
		t.Errorf("nothing ticked: %q %q", res.Header.Get("Location"), flash)
	}
	if res, _ := bulk(ed, ids(b1.ID), "publish", "/admin/posts"); res.StatusCode != http.StatusBadRequest || e.postStatus(b1.ID) != "draft" {
		t.Errorf("an unknown action: %d", res.StatusCode)
	}
	many := url.Values{}
	for i := 0; i < 101; i++ {
		many.Add("id", strconv.Itoa(i+1))
	}
	if res, _ := bulk(ed, many, "trash", "/admin/posts"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("101 posts: %d", res.StatusCode)
	}
	if n, err := store.AuditLog(context.Background(), e.Store.Pool, store.AuditFilter{Limit: 50}); err != nil || len(n) < 5 {
		t.Errorf("audit rows: %d %v", len(n), err)
	}
}
