package wxrimport

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/internal/wxr"
)

func TestImportBlog(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	rep := mustImport(t, st, "blog.xml", Options{OldBaseURL: "https://notes.example/"})
	var b strings.Builder
	rep.WriteTo(&b)
	t.Log(b.String())

	want := map[string]int{"author": 3, "category": 3, "tag": 2, "post": 9, "page": 1, "comment": 12, "pingback": 1, "trackback": 1, "webmention": 1, "redirect": 8}
	if !maps.Equal(rep.Imported, want) {
		t.Errorf("imported %v, want %v", rep.Imported, want)
	}
	for _, why := range []string{`comment of type "note" (not public discussion)`, "second linkback from the same source on a post (one per source)",
		"attachment (files are not copied; posts keep linking to them where they are)", `item of type "nav_menu_item"`,
		`term of taxonomy "nav_menu" (Quire has tags and categories only)`} {
		if rep.Skipped[why] != 1 {
			t.Errorf("skipped[%q] = %d; report %v", why, rep.Skipped[why], rep.Skipped)
		}
	}
	for _, s := range []string{"private → draft", "future → scheduled", "publish → published", "trash → trashed"} {
		if rep.Statuses[s] == 0 {
			t.Errorf("status mapping %q not reported: %v", s, rep.Statuses)
		}
	}
	if rep.Shortcodes["[gallery]"] != 1 || rep.Shortcodes["[contact-form-7]"] != 1 || rep.Shortcodes["[caption]"] != 0 {
		t.Errorf("shortcodes %v", rep.Shortcodes)
	}

	// Authors: role author, no password; a login Quire cannot take changed.
	for _, name := range []string{"ann", "bob-smith"} {
		u, err := store.UserByLogin(ctx, st.Pool, name)
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		if u.Role != "author" || u.PasswordHash != "" {
			t.Errorf("%s: role %s, hash %q", name, u.Role, u.PasswordHash)
		}
	}
	ann, _ := store.UserByLogin(ctx, st.Pool, "ann")
	if ann.DisplayName != "Ann O’Neil" || ann.Email != "ann@notes.example" {
		t.Errorf("ann = %+v", ann)
	}

	p, err := store.PostBySlug(ctx, st.Pool, post.KindPost, "west-highland-way")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Walking the West Highland Way & back" || p.Status != post.Published || p.Author.Username != "ann" {
		t.Errorf("post = %q %s %s", p.Title, p.Status, p.Author.Username)
	}
	if got := p.PublishedAt.UTC().Format("2006-01-02 15:04"); got != "2024-04-01 08:30" {
		t.Errorf("published at %s, want the GMT date", got)
	}
	for _, bad := range []string{"<!-- wp:", "<script", "alert("} {
		if strings.Contains(p.BodyHTML, bad) {
			t.Errorf("body keeps %q: %s", bad, p.BodyHTML)
		}
	}
	for _, good := range []string{"<figure", "<figcaption>", "a[i]]]&gt;b", "[gallery ids=", "[[not_a_shortcode]]"} {
		if !strings.Contains(p.BodyHTML, good) {
			t.Errorf("body lacks %q: %s", good, p.BodyHTML)
		}
	}
	if !strings.Contains(p.ExcerptHTML, "Ninety-six miles &amp; a lot of rain.") {
		t.Errorf("excerpt %q", p.ExcerptHTML)
	}
	if len(p.Categories) != 2 || len(p.Tags) != 2 || p.Categories[1].Name != "Travel & Places" {
		t.Errorf("terms %v %v", p.Categories, p.Tags)
	}
	if cur, err := store.SlugRedirect(ctx, st.Pool, post.KindPost, "whw"); err != nil || cur != "west-highland-way" {
		t.Errorf("old slug: %q %v", cur, err)
	}
	if r, err := store.RedirectFor(ctx, st.Pool, "/2024/04/west-highland-way"); err != nil || r.ID != p.ID {
		t.Errorf("redirect: %v", err)
	}
	if n := count(t, st, "SELECT count(*) FROM import_posts WHERE sticky"); n != 1 {
		t.Errorf("%d sticky", n)
	}
	// The sticky post is pinned to the front page, as on WordPress.
	if n := count(t, st, "SELECT count(*) FROM posts WHERE pinned AND slug = 'west-highland-way'"); n != 1 || count(t, st, "SELECT count(*) FROM posts WHERE pinned") != 1 {
		t.Errorf("pinned: %d", n)
	}

	// Statuses of the other items.
	for slug, want := range map[string]post.Status{"a-draft": post.Draft, "pending-review": post.Pending, "scheduled": post.Scheduled,
		"private-thoughts": post.Draft, "binned-trashed": post.Trashed, "locked": post.Draft, "classic": post.Published, "notes": post.Published} {
		q, err := store.PostBySlug(ctx, st.Pool, post.KindPost, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		if q.Status != want {
			t.Errorf("%s: status %s, want %s", slug, q.Status, want)
		}
	}
	classic, _ := store.PostBySlug(ctx, st.Pool, post.KindPost, "classic")
	if !strings.Contains(classic.BodyHTML, "<p>First paragraph<br/>\nwith a break.</p>") && !strings.Contains(classic.BodyHTML, "<p>First paragraph<br>\nwith a break.</p>") {
		t.Errorf("classic paragraphs: %q", classic.BodyHTML)
	}
	if !strings.Contains(classic.BodyHTML, "<pre>code\n\n  kept</pre>") || classic.Title != "Classic “editor”" {
		t.Errorf("classic: %q %q", classic.Title, classic.BodyHTML)
	}
	if classic.Author.Username != "wordpress" || classic.CommentPolicy != post.CommentsOpen {
		t.Errorf("classic author %q", classic.Author.Username)
	}
	about, err := store.PostBySlug(ctx, st.Pool, post.KindPage, "about")
	if err != nil || about.CommentPolicy != post.CommentsClosed {
		t.Errorf("page: %v %+v", err, about)
	}

	// Comments: the thread five deep, statuses, kinds, sanitising.
	thread, err := store.ExportComments(ctx, st.Pool, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]store.ExportComment{}
	for _, c := range thread {
		by[c.AuthorName] = c
	}
	chain := []string{"Carol", "Ann O’Neil", "Carol", "Dan", "Bob"}
	depthOf := map[int64]int{}
	for _, c := range thread {
		depthOf[c.ID] = c.Depth
	}
	if by["Bob"].Depth != 4 || by["Dan"].Depth != 3 {
		t.Errorf("thread depth: Bob %d, Dan %d (chain %v)", by["Bob"].Depth, by["Dan"].Depth, chain)
	}
	if by["Bob"].AuthorUserID == 0 || by["Ann O’Neil"].AuthorUserID != ann.ID {
		t.Errorf("comment users: %d %d", by["Bob"].AuthorUserID, by["Ann O’Neil"].AuthorUserID)
	}
	checks := map[string]comment.Status{"Held Harry": comment.StatusHeld, "Cheap Pills": comment.StatusSpam, "Eve": comment.StatusTrash}
	for name, st := range checks {
		if by[name].Status != st {
			t.Errorf("%s: %s, want %s", name, by[name].Status, st)
		}
	}
	// What comes in trashed counts its days in the trash from the import;
	// nothing else has a trashed_at.
	var trashedAt, others int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'trash' AND trashed_at > now() - interval '1 hour'),
		count(*) FILTER (WHERE status <> 'trash' AND trashed_at IS NOT NULL) FROM comments`).Scan(&trashedAt, &others); err != nil || trashedAt != 1 || others != 0 {
		t.Errorf("trashed_at: %d in the trash, %d others, %v", trashedAt, others, err)
	}
	// So does a post (the posts' trigger, 00027_post_trashed_at).
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'trashed' AND trashed_at > now() - interval '1 hour'),
		count(*) FILTER (WHERE status <> 'trashed' AND trashed_at IS NOT NULL) FROM posts`).Scan(&trashedAt, &others); err != nil || trashedAt != 1 || others != 0 {
		t.Errorf("posts' trashed_at: %d in the trash, %d others, %v", trashedAt, others, err)
	}
	tb := by["Old Blog"]
	if tb.Kind != comment.KindPingback || tb.WXRType != "trackback" || tb.SourceURL != "http://old.example/tb" || tb.SiteName != "old.example" {
		t.Errorf("trackback %+v", tb)
	}
	pb := by["Hill Walkers – Blog"]
	if pb.Kind != comment.KindPingback || pb.Title != "Hill Walkers – Blog" || pb.SourceURL != "https://walkers.example/2024/04/links/" {
		t.Errorf("pingback %+v", pb)
	}
	if by["Wendy"].Kind != comment.KindWebmention {
		t.Errorf("webmention %+v", by["Wendy"])
	}
	m := by["Mallory"]
	if strings.Contains(m.BodyHTML, "script") || strings.Contains(m.BodyHTML, "javascript") || strings.Contains(m.BodyHTML, "onerror") || m.AuthorURL != "" || m.IP != "" {
		t.Errorf("unsafe comment kept: %+v", m)
	}
	if o := by["Orphan Olive"]; o.ParentID != 0 || o.Depth != 0 {
		t.Errorf("orphan %+v", o)
	}
	if !strings.Contains(thread[2].BodyHTML, "<b>bold</b> ]]&gt; split") || !strings.Contains(thread[2].BodyHTML, "ha ’") {
		t.Errorf("entities and split CDATA: %q", thread[2].BodyHTML)
	}
	if !strings.Contains(by["Dan"].BodyHTML, "<p>Two paragraphs,<br") {
		t.Errorf("comment paragraphs: %q", by["Dan"].BodyHTML)
	}
	if c := thread[0]; c.AuthorName != "Carol" || c.CreatedAt.UTC().Format("15:04") != "09:00" || c.IP != "192.0.2.1" || c.AuthorEmail != "carol@example.org" {
		t.Errorf("first comment %+v", c)
	}
	// Imports never queue jobs (no linkbacks, no mail).
	if n := count(t, st, "SELECT count(*) FROM river_job"); n != 0 {
		t.Errorf("%d jobs queued", n)
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	st := storetest.New(t)
	mustImport(t, st, "blog.xml", Options{OldBaseURL: "https://notes.example"})
	before := tableCounts(t, st)
	rep := mustImport(t, st, "blog.xml", Options{OldBaseURL: "https://notes.example"})
	if len(rep.Imported) != 0 {
		t.Errorf("second import imported %v", rep.Imported)
	}
	if rep.Existing["post"] != 9 || rep.Existing["comment"] < 12 {
		t.Errorf("existing %v", rep.Existing)
	}
	if after := tableCounts(t, st); !maps.Equal(before, after) {
		t.Errorf("tables changed:\n%v\n%v", before, after)
	}
}

func TestReimportAddsOnlyNewComments(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	mustImport(t, st, "blog.xml", Options{})
	before := tableCounts(t, st)
	rep := mustImport(t, st, "blog-newer.xml", Options{})
	if !maps.Equal(rep.Imported, map[string]int{"comment": 2}) {
		t.Errorf("imported %v", rep.Imported)
	}
	after := tableCounts(t, st)
	if after["comments"] != before["comments"]+2 || after["posts"] != before["posts"] {
		t.Errorf("before %v after %v", before, after)
	}
	p, _ := store.PostBySlug(ctx, st.Pool, post.KindPost, "west-highland-way")
	flat, err := store.Thread(ctx, st.Pool, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var six, late comment.Comment
	for _, c := range flat {
		switch c.AuthorName {
		case "Newcomer":
			late = c
		}
		if strings.Contains(c.BodyHTML, "Six deep") {
			six = c
		}
	}
	if six.Depth != 5 || late.Depth != 0 || flat[len(flat)-1].ID != late.ID {
		t.Errorf("new replies misplaced: six %+v late %+v", six, late)
	}
}

func TestMalformedFileChangesNothing(t *testing.T) {
	st := storetest.New(t)
	before := tableCounts(t, st)
	_, err := importFile(st, "malformed.xml", Options{})
	var se *wxr.SyntaxError
	if !errors.As(err, &se) || se.Line != 339 {
		t.Fatalf("err = %v, want a syntax error at line 339", err)
	}
	if !strings.Contains(err.Error(), "line 339, column") {
		t.Errorf("message %q", err)
	}
	if after := tableCounts(t, st); !maps.Equal(before, after) {
		t.Errorf("tables changed:\n%v\n%v", before, after)
	}
}

func TestNotUTF8Refused(t *testing.T) {
	st := storetest.New(t)
	_, err := importFile(st, "latin1.xml", Options{})
	if !errors.Is(err, wxr.ErrNotUTF8) {
		t.Fatalf("err = %v", err)
	}
	if n := count(t, st, "SELECT count(*) FROM import_sources"); n != 0 {
		t.Errorf("%d sources written", n)
	}
}

func TestMapAuthor(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	editor := mustUser(t, st, "editor1")
	rep := mustImport(t, st, "blog.xml", Options{AuthorMap: map[string]string{"ann": "editor1"}})
	if rep.Imported["author"] != 2 {
		t.Errorf("authors %v", rep.Imported)
	}
	p, _ := store.PostBySlug(ctx, st.Pool, post.KindPost, "west-highland-way")
	if p.AuthorID != editor {
		t.Errorf("author %d, want %d", p.AuthorID, editor)
	}
	if _, err := importFile(st, "blog.xml", Options{AuthorMap: map[string]string{"ann": "nobody"}}); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("unknown user: %v", err)
	}
}
