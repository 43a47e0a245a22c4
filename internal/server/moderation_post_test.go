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
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestModeratorActsFromPost: a moderator reading a post finds Edit,
// Unapprove, Spam and Trash on each published comment (no Edit on a
// linkback) and a link to the post's held comments; each returns to the
// post. Nobody else sees them, and the caches shared by all readers never
// keep a moderator's page, whoever reads first.
func TestModeratorActsFromPost(t *testing.T) {
	e := newNode(t, storetest.URL(t), true) // with the bus: the section cache is on
	e.allowFastForms()
	e.Settings(func(s *commenting.Settings) { s.PerPage = 2 })
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	p := e.MustPost(ann, "Busy thread", post.CommentsOpen)
	mod := e.Client()
	e.SignIn(mod, "mo")
	var ids []int64
	for _, n := range []string{"Una", "Dos", "Tres"} {
		id := commentID(t, e.Comment(e.Client(), p, guest(n, n+"@mail.invalid", "Words from "+n+".")))
		e.approve(mod, id)
		ids = append(ids, id)
	}
	pb := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindPingback, Status: comment.StatusApproved,
		AuthorName: "Pam", BodySource: "Linked", BodyHTML: "<p>Linked</p>", SourceURL: "https://pam.invalid/post", Title: "Pam's page", IP: "192.0.2.7"}}
	if err := store.CreateComment(context.Background(), e.Store.Pool, pb); err != nil {
		t.Fatal(err)
	}
	ck := func(id int64) string { return moderation.Key{Kind: moderation.KindComment, ID: id}.String() }
	// A post with nothing published and nothing held has no note to give.
	quiet := e.MustPost(ann, "Quiet post", post.CommentsOpen)
	if d := e.page(mod, quiet.Path()); d.Find(".mod-bar").Length() != 0 || d.Find("#comments-title").Text() != "No responses yet" {
		t.Errorf("a quiet post, for its moderator: note %d, heading %q", d.Find(".mod-bar").Length(), d.Find("#comments-title").Text())
	}

	// The moderator reads first, on cold caches, and fills none.
	stored := e.Srv.sections.stores.Load()
	d := e.page(mod, p.Path())
	if a := d.Find(".mod-bar a"); a.AttrOr("href", "") != "/admin/moderation?post="+strconv.FormatInt(p.ID, 10)+"&status=held" ||
		a.Text() != "None held on this post" {
		t.Errorf("the held comments link: %q %q", a.AttrOr("href", ""), a.Text())
	}
	c0 := d.Find("#comment-" + strconv.FormatInt(ids[0], 10)).Parent()
	if href, _ := c0.Find("a.mod").Attr("href"); !editFrom(href, "/admin/moderation/"+ck(ids[0])+"/edit", p.Path()) {
		t.Errorf("Edit on the post: %q", href)
	}
	for _, a := range []string{"hold", "spam", "trash"} {
		b := c0.Find(`form.mod button[value="` + a + `:` + ck(ids[0]) + `"]`)
		if b.Length() != 1 {
			t.Errorf("no %s button on the comment: %q", a, c0.Find("footer").Text())
		} else if label := b.AttrOr("aria-label", ""); !strings.HasPrefix(label, b.Text()) || !strings.Contains(label, "Una's response") {
			t.Errorf("the %s button's name %q does not say whose response it acts on", a, label)
		}
	}
	if back, _ := c0.Find(`form.mod input[name=back]`).Attr("value"); back != p.Path() {
		t.Errorf("the actions' way back: %q", back)
	}
	// Page 2 holds the pingback: no Edit (it is another site's page), but
	// its actions, returning to page 2.
	d2 := e.page(mod, p.Path()+"?cpage=2")
	lb := d2.Find("#comment-" + strconv.FormatInt(pb.ID, 10)).Parent()
	if lb.Length() != 1 || lb.Find("a.mod").Length() != 0 || lb.Find(`button[value="spam:p`+strconv.FormatInt(pb.ID, 10)+`"]`).Length() != 1 {
		t.Errorf("the pingback's actions: %q", lb.Find("footer").Text())
	}
	if back, _ := lb.Find(`form.mod input[name=back]`).Attr("value"); back != p.Path()+"?cpage=2" {
		t.Errorf("page 2's way back: %q", back)
	}

	if n := e.Srv.sections.stores.Load() - stored; n != 0 {
		t.Fatalf("%d sections stored from a moderator's pages", n)
	}

	// Anyone else, after the moderator and before: no actions. Twice each,
	// so the second view comes from the caches the first one filled.
	within(t, 5*time.Second, "a reader's list from the section cache", func() bool {
		h := e.Srv.sections.hits.Load()
		if e.page(e.Client(), p.Path()).Find(".mod-bar, a.mod, form.mod").Length() != 0 {
			t.Fatal("a reader sees the moderator's actions")
		}
		return e.Srv.sections.hits.Load() > h
	})
	for _, who := range []*http.Client{e.Client(), e.signedIn("ann"), e.Client()} {
		for range 2 {
			for _, path := range []string{p.Path(), p.Path() + "?cpage=2"} {
				if d := e.page(who, path); d.Find(".mod-bar, a.mod, form.mod").Length() != 0 {
					t.Fatalf("a reader who does not moderate sees the moderator's actions on %s", path)
				}
			}
		}
	}
	// And the moderator after the readers still has them.
	if e.page(mod, p.Path()).Find("form.mod").Length() != 2 {
		t.Error("the moderator's actions are gone once readers filled the caches")
	}

	// Edit from the post: the form leads back to the comment there.
	f := e.page(mod, "/admin/moderation/"+ck(ids[0])+"/edit?back="+url.QueryEscape(p.Path()))
	if back, _ := f.Find(`input[name=back]`).Attr("value"); back != p.Path() {
		t.Errorf("the form's back: %q", back)
	}
	want := p.Path() + "#comment-" + strconv.FormatInt(ids[0], 10)
	if a := f.Find("p.back a"); a.AttrOr("href", "") != want || a.Text() != "Back to the post" {
		t.Errorf("the form's link back: %q %q", a.AttrOr("href", ""), a.Text())
	}
	res := e.PostForm(mod, "/admin/moderation/"+ck(ids[0])+"/edit", url.Values{"author_name": {"Una"}, "body": {"Corrected on the post."}, "back": {p.Path()}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
		t.Fatalf("save: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.page(e.Client(), p.Path()).Find("#comment-" + strconv.FormatInt(ids[0], 10) + " .comment-content").Text(); got != "Corrected on the post.\n" && got != "Corrected on the post." {
		t.Errorf("the corrected comment on the post: %q", got)
	}

	// Unapprove from the post: back to it, the comment gone for readers.
	res = e.PostForm(mod, "/admin/moderation", url.Values{"one": {"hold:" + ck(ids[1])}, "back": {p.Path()}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != p.Path()+"#comments" {
		t.Fatalf("unapprove: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if e.commentStatus(ids[1]) != "held" || e.page(e.Client(), p.Path()).Find("#comment-"+strconv.FormatInt(ids[1], 10)).Length() != 0 {
		t.Error("the unapproved comment is still published")
	}
	// The word on it stands in the comments, where the moderator lands,
	// once; a flash from elsewhere stays at the page's top.
	if d := e.page(mod, p.Path()); d.Find("#comments .flash").Text() != "Moved back to the queue: 1 item." || d.Find(".flash").Length() != 1 {
		t.Errorf("the word on the post: %q in the comments, %d in all", d.Find("#comments .flash").Text(), d.Find(".flash").Length())
	} else if got := d.Find(".mod-bar a").Text(); got != "1 response held on this post" {
		t.Errorf("after Unapprove the note says %q", got)
	}
	e.PostForm(mod, "/admin/moderation", url.Values{"one": {"approve:" + ck(ids[1])}}) // from the queue
	if d := e.page(mod, p.Path()); d.Find("#comments .flash").Length() != 0 || d.Find(".flash").Text() != "Approved: 1 item." {
		t.Errorf("a flash from the queue is not at the post's top: %q", d.Find(".flash").Text())
	}

	// The way back is never another site.
	for _, back := range []string{"https://evil.invalid/", "//evil.invalid/x", "/\\evil.invalid", "javascript:alert(1)"} {
		res := e.PostForm(mod, "/admin/moderation", url.Values{"one": {"approve:" + ck(ids[1])}, "back": {back}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/admin/moderation" {
			t.Errorf("back %q: %d %q", back, res.StatusCode, loc)
		}
	}
}

// editFrom reports whether href is the edit form at path, back to back.
func editFrom(href, path, back string) bool {
	u, err := url.Parse(href)
	return err == nil && u.Path == path && u.Query().Get("back") == back
}
