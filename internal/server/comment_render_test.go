package server

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/pagecache"
	"quire/internal/post"
)

// fragmentsHolding returns how many cached fragments contain s.
func fragmentsHolding(f *commentFrags, s string) int {
	n := 0
	f.cache.All(func(_ pagecache.FragmentKey, html string) bool {
		if strings.Contains(html, s) {
			n++
		}
		return true
	})
	return n
}

// TestCommentFragmentsFollowEditsAndThemes: the post page built from
// cached threads is byte for byte the page rendered without them; an
// edited comment (top level or a reply deep in a thread) shows its new
// HTML at once; another theme's "comment" template is used as soon as it is
// active, and the built-in one again after.
func TestCommentFragmentsFollowEditsAndThemes(t *testing.T) {
	e := newEnv(t)
	ann := e.MustUser("ann", account.Admin)
	p := e.MustPost(ann, "Busy", post.CommentsOpen)
	seedThread(t, e.Store, p.ID, ann.ID, 40)
	anon := e.Client()
	get := func() string {
		t.Helper()
		res := e.Get(anon, p.Path())
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p.Path(), res.StatusCode)
		}
		// The comment form's signed time differs on every render.
		return formToken.ReplaceAllString(body(t, res), `name="form_token"`)
	}
	// plain renders with no fragment cache (requests are sequential).
	plain := func() string {
		f := e.Srv.frags
		e.Srv.frags = nil
		defer func() { e.Srv.frags = f }()
		return get()
	}

	first := get()
	stored := e.Srv.frags.cache.Len()
	if stored == 0 {
		t.Fatal("no thread was stored")
	}
	second := get()
	if e.Srv.frags.cache.Len() != stored {
		t.Errorf("the same page stored %d more threads", e.Srv.frags.cache.Len()-stored)
	}
	want := plain()
	if first != want || second != want {
		t.Fatalf("the page differs with the fragment cache (%d, %d bytes; want %d)", len(first), len(second), len(want))
	}
	if n := strings.Count(want, `<article id="comment-`); n != 40 {
		t.Fatalf("%d comments on the page, want 40", n)
	}

	// Edit the first comment (top level) and the last (most often a reply).
	ctx := context.Background()
	for i, order := range []string{"ASC", "DESC"} {
		var id int64
		if err := e.Store.Pool.QueryRow(ctx, `SELECT id FROM comments WHERE post_id = $1 ORDER BY id `+order+` LIMIT 1`, p.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		words := "Edited words " + strconv.Itoa(i)
		if _, err := e.Store.Pool.Exec(ctx, `UPDATE comments SET body_html = $1, updated_at = now() WHERE id = $2`, "<p>"+words+"</p>", id); err != nil {
			t.Fatal(err)
		}
		got := get()
		if !strings.Contains(got, words) {
			t.Fatalf("comment %d: the edit is not shown", id)
		}
		if got != plain() {
			t.Fatalf("comment %d: the page after the edit differs with the fragment cache", id)
		}
	}
	if strings.Contains(get(), "Comment number 0,") {
		t.Error("the first comment's old body is still shown")
	}

	// A theme whose "comment" marks each item.
	tpl, err := os.ReadFile("../../web/templates/partials/comments.html")
	if err != nil {
		t.Fatal(err)
	}
	themed := strings.Replace(string(tpl), `{{define "comment"}}<li class="{{.Class}}">`, `{{define "comment"}}<li class="{{.Class}} themed">`, 1)
	if themed == string(tpl) {
		t.Fatal("the comment template's first line changed: update this test")
	}
	admin := e.Client()
	e.SignIn(admin, "ann")
	if res, b := uploadTheme(t, e, admin, "marked", zipOf(t, map[string]string{"templates/partials/comments.html": themed})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	activate := func(name string) {
		t.Helper()
		if res := e.PostForm(admin, "/admin/themes/activate", map[string][]string{"name": {name}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate %q: %d", name, res.StatusCode)
		}
	}
	activate("marked")
	got := get()
	if n := strings.Count(got, ` themed">`); n != 40 {
		t.Fatalf("%d comments in the theme's markup, want 40", n)
	}
	if got != plain() {
		t.Fatal("the themed page differs with the fragment cache")
	}
	activate("")
	if got := get(); strings.Contains(got, ` themed">`) || got != plain() {
		t.Fatal("the built-in theme's page is not its own after the swap back")
	}
}

// TestCommentFragmentsKeepNothingPersonal: the writer's held comment and
// the thread holding the writer's own editable comment (its Edit and
// Delete links) never land in the fragment cache; a stranger's view of the
// same thread is cached, and the writer still gets their links.
func TestCommentFragmentsKeepNothingPersonal(t *testing.T) {
	e := newEnv(t)
	e.allowFastForms()
	ann := e.MustUser("ann", account.Author)
	e.MustUser("mo", account.Moderator)
	p := e.MustPost(ann, "Threads", post.CommentsOpen)
	seedThread(t, e.Store, p.ID, ann.ID, 5)

	reader := e.Client()
	res := e.Comment(reader, p, guest("Maria", "maria@mail.invalid", "Held words here."))
	held := commentID(t, res)
	loc := res.Header.Get("Location")
	if !strings.Contains(loc, "unapproved=") {
		t.Fatalf("held comment redirect %q", loc)
	}
	if d := e.page(reader, strings.Split(loc, "#")[0]); d.Find(".comment.held").Length() != 1 {
		t.Fatal("the writer does not see their held comment")
	}
	if e.Srv.frags.cache.Len() == 0 {
		t.Fatal("the public threads were not stored")
	}
	if n := fragmentsHolding(e.Srv.frags, "Held words here."); n != 0 {
		t.Fatalf("the held comment is in %d cached fragments", n)
	}

	mod := e.Client()
	e.SignIn(mod, "mo")
	e.approve(mod, held)
	res = e.Comment(reader, p, guest("Maria", "maria@mail.invalid", "Mine to edit."))
	own := commentID(t, res)
	editLink := "/comments/" + strconv.FormatInt(own, 10) + "/edit"
	if got := body(t, e.Get(reader, p.Path())); !strings.Contains(got, editLink) || !strings.Contains(got, "Mine to edit.") {
		t.Fatal("the writer does not get the Edit link of their comment")
	}
	if n := fragmentsHolding(e.Srv.frags, "/edit"); n != 0 {
		t.Fatalf("an Edit link is in %d cached fragments", n)
	}
	if n := fragmentsHolding(e.Srv.frags, "Mine to edit."); n != 0 {
		t.Fatalf("the writer's editable comment is in %d cached fragments", n)
	}

	if got := body(t, e.Get(e.Client(), p.Path())); strings.Contains(got, editLink) || !strings.Contains(got, "Mine to edit.") {
		t.Fatal("a stranger's page is wrong")
	}
	if n := fragmentsHolding(e.Srv.frags, "Mine to edit."); n != 1 {
		t.Fatalf("the stranger's view of the comment is in %d fragments, want 1", n)
	}
	if got := body(t, e.Get(reader, p.Path())); !strings.Contains(got, editLink) {
		t.Fatal("the writer was served the stranger's thread")
	}
}

// TestCommentFragmentKeyCoversFields changes each field of a comment and
// of one of its replies in turn: every change must make another key (or,
// for Editable and a moderator's ModKey and ModBack, none), so a field
// added to commentItem and shown by the template cannot be served stale.
func TestCommentFragmentKeyCoversFields(t *testing.T) {
	f := newCommentFrags(1 << 20)
	base := commentItem{ID: 7, Name: "Ann", AuthorURL: "https://ann.invalid", Class: "comment", Initials: "A", Hue: "hue-1",
		BodyHTML: "<p>Hi</p>", Ago: "2 days ago", ISO: "2026-01-01T00:00:00Z", Exact: "1 January 2026, 00:00 UTC",
		ReplyURL: "/posts/x?replyto=7#respond", Children: []commentItem{{ID: 8, Name: "Bo", Class: "comment", BodyHTML: "<p>Yo</p>"}}}
	k0, ok := f.key(1, &base)
	if !ok {
		t.Fatal("a public thread is not cacheable")
	}
	if k, _ := f.key(2, &base); k == k0 {
		t.Error("the template generation is not in the key")
	}
	if k, _ := f.key(1, &base); k != k0 {
		t.Fatal("the key is not stable")
	}
	change := func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Slice:
			v.Set(reflect.Append(v, reflect.ValueOf(commentItem{ID: 99})))
		default:
			t.Fatalf("a field of kind %s: teach commentFrags.key and this test about it", v.Kind())
		}
	}
	rt := reflect.TypeFor[commentItem]()
	for i := range rt.NumField() {
		name := rt.Field(i).Name
		for _, inReply := range []bool{false, true} {
			it := base
			it.Children = slices.Clone(base.Children)
			target := &it
			if inReply {
				target = &it.Children[0]
			}
			change(reflect.ValueOf(target).Elem().Field(i))
			k, ok := f.key(1, &it)
			if name == "Editable" || name == "ModKey" || name == "ModBack" {
				if ok {
					t.Errorf("a thread with a personal field %s (reply %v) is cacheable", name, inReply)
				}
				continue
			}
			if !ok || k == k0 {
				t.Errorf("changing %s (reply %v) keeps the key", name, inReply)
			}
		}
	}
}
