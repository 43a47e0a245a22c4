package publishing_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
	"quire/internal/render"
	"quire/internal/site"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func mustUser(t *testing.T, st *store.Store, name string, role account.Role) *account.User {
	t.Helper()
	u := &account.User{Username: name, Email: name + "@mail.invalid", Role: role}
	if err := store.CreateUser(context.Background(), st.Pool, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// mustPublish creates a published post or page through the workflow, as
// the editor and the API do.
func mustPublish(t *testing.T, svc *publishing.Service, u *account.User, kind post.Kind, title string, x publishing.Extras) *post.Post {
	t.Helper()
	p := &post.Post{AuthorID: u.ID, Kind: kind, Title: title, BodySource: "The body of " + title + ".",
		Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	if err := svc.Prepare(p); err != nil {
		t.Fatal(err)
	}
	if err := svc.Create(context.Background(), u, p, x); err != nil {
		t.Fatal(err)
	}
	return p
}

func audits(t *testing.T, st *store.Store, id int64) int {
	t.Helper()
	var n int
	err := st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'post.status' AND item_id = $1`, id).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTrash: the one trash workflow behind the editor's button (which
// first asks Editable) and the API's DELETE (which first asks Readable).
// Someone else's post is refused by both, with nothing written; the
// author's post goes to the trash with an audit row; a trashed page runs
// the navigation hook and leaves the navigation; a missing id is
// NotFound.
func TestTrash(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	navChanges := 0
	svc := &publishing.Service{Store: st, Render: render.New(), NavChanged: func() { navChanges++ }}
	ann := mustUser(t, st, "ann", account.Author)
	bob := mustUser(t, st, "bob", account.Author)
	edna := mustUser(t, st, "edna", account.Editor)
	annPost := mustPublish(t, svc, ann, post.KindPost, "Ann's post", publishing.Extras{})
	if navChanges != 0 {
		t.Fatalf("a post changed the navigation %d times", navChanges)
	}
	about := mustPublish(t, svc, edna, post.KindPage, "About", publishing.Extras{Page: &post.PageSettings{InNav: true, NavOrder: 1}})
	if navChanges != 1 {
		t.Fatalf("a new page changed the navigation %d times, want 1", navChanges)
	}

	// Bob: the editor's caller stops at Editable, the API's gets past
	// Readable (the post is public) and is refused by Trash itself.
	if _, err := svc.Editable(ctx, bob, annPost.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("bob edits ann's post: %v", err)
	}
	if _, err := svc.Readable(ctx, bob, annPost.ID); err != nil {
		t.Fatalf("bob reads ann's published post: %v", err)
	}
	if _, err := svc.Trash(ctx, bob, annPost.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("bob trashes ann's post: %v", err)
	}
	if p, _ := svc.Readable(ctx, ann, annPost.ID); p.Status != post.Published || audits(t, st, annPost.ID) != 0 {
		t.Errorf("a refused trash wrote: status %s, %d audit rows", p.Status, audits(t, st, annPost.ID))
	}

	// Ann trashes her own post: stored, audited, the navigation untouched.
	p, err := svc.Trash(ctx, ann, annPost.ID)
	if err != nil || p.Status != post.Trashed || p.ID != annPost.ID {
		t.Fatalf("ann trashes her post: %+v %v", p, err)
	}
	if audits(t, st, annPost.ID) != 1 || navChanges != 1 {
		t.Errorf("after the post's trash: %d audit rows, %d navigation changes", audits(t, st, annPost.ID), navChanges)
	}

	// Edna trashes the page: it leaves the navigation, and the hook says so.
	if _, err := svc.Editable(ctx, edna, about.ID); err != nil {
		t.Fatalf("edna edits her page: %v", err)
	}
	if p, err = svc.Trash(ctx, edna, about.ID); err != nil || p.Status != post.Trashed || p.Kind != post.KindPage {
		t.Fatalf("edna trashes the page: %+v %v", p, err)
	}
	if navChanges != 2 {
		t.Errorf("a trashed page changed the navigation %d times in all, want 2", navChanges)
	}
	if nav, err := store.NavPages(ctx, st.Pool); err != nil || len(nav) != 0 {
		t.Errorf("navigation after the trash: %v %v", nav, err)
	}

	if _, err := svc.Trash(ctx, edna, about.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("trash of no post: %v", err)
	}
}

// TestEmptyTrash: the housekeeping deletes for good what has been in the
// trash longer than the site's days, counted from the trashing (a save in
// the trash does not start them again), audited as Quire's own; not what
// went there since, nor a post out of the trash however old, and nothing
// when the setting is 0. A page's deletion reaches the
// navigation hook.
func TestEmptyTrash(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	navChanges := 0
	now := time.Now()
	svc := &publishing.Service{Store: st, Render: render.New(), NavChanged: func() { navChanges++ }, Now: func() time.Time { return now }}
	ann := mustUser(t, st, "ann", account.Editor)
	old := mustPublish(t, svc, ann, post.KindPost, "Long gone", publishing.Extras{})
	page := mustPublish(t, svc, ann, post.KindPage, "Old page", publishing.Extras{})
	recent := mustPublish(t, svc, ann, post.KindPost, "Just binned", publishing.Extras{})
	kept := mustPublish(t, svc, ann, post.KindPost, "Still up", publishing.Extras{})
	edited := mustPublish(t, svc, ann, post.KindPost, "Edited in the trash", publishing.Extras{})
	again := mustPublish(t, svc, ann, post.KindPost, "Binned twice", publishing.Extras{})
	for _, p := range []*post.Post{old, page, recent, edited, again} {
		if _, err := svc.Trash(ctx, ann, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	// age moves a post's trashing (and its last change) days back; an
	// UPDATE not naming status leaves the trigger out.
	age := func(p *post.Post, days int) {
		if _, err := st.Pool.Exec(ctx, `UPDATE posts SET updated_at = $2, trashed_at = $2 WHERE id = $1`, p.ID, now.AddDate(0, 0, -days)); err != nil {
			t.Fatal(err)
		}
	}
	age(old, 31)
	age(page, 40)
	age(recent, 29)
	age(kept, 400) // by hand: a post out of the trash keeps no trashing
	age(edited, 31)
	age(again, 31)
	// Saved while in the trash, as the editor and the API save (status
	// named, unchanged): its days still count from the trashing.
	if _, err := st.Pool.Exec(ctx, `UPDATE posts SET title = 'Edited', status = 'trashed', updated_at = now() WHERE id = $1`, edited.ID); err != nil {
		t.Fatal(err)
	}
	// Restored and binned again: its days count from the second time.
	if _, err := svc.Restore(ctx, ann, again.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Trash(ctx, ann, again.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p       *post.Post
		trashed bool
	}{{edited, true}, {old, true}} {
		got, err := store.PostByID(ctx, st.Pool, tc.p.ID)
		if err != nil || got.TrashedAt.IsZero() != !tc.trashed {
			t.Errorf("%q: trashed at %v (%v)", tc.p.Title, got.TrashedAt, err)
		}
	}
	navChanges = 0

	setDays := func(days int) {
		if _, err := store.UpdateSiteSettings(ctx, st, 0, func(s *site.Settings) error { s.TrashDays = days; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	setDays(0)
	if n, err := svc.EmptyTrash(ctx); err != nil || n != 0 {
		t.Fatalf("with 0 days: %d %v", n, err)
	}
	setDays(30)
	if n, err := svc.EmptyTrash(ctx); err != nil || n != 3 {
		t.Fatalf("emptied %d, %v; want 3", n, err)
	}
	for _, tc := range []struct {
		p    *post.Post
		gone bool
	}{{old, true}, {page, true}, {recent, false}, {kept, false}, {edited, true}, {again, false}} {
		_, err := store.PostByID(ctx, st.Pool, tc.p.ID)
		if gone := errors.Is(err, apperr.ErrNotFound); gone != tc.gone {
			t.Errorf("%q: gone %v, want %v (%v)", tc.p.Title, gone, tc.gone, err)
		}
	}
	if navChanges != 1 {
		t.Errorf("navigation changes: %d, want 1 (the page)", navChanges)
	}
	var n int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'post.delete' AND actor_id IS NULL
		AND before = 'trashed' AND item_id = ANY($1)`, []int64{old.ID, page.ID, edited.ID}).Scan(&n); err != nil || n != 3 {
		t.Errorf("audit rows: %d %v", n, err)
	}
	if n, err := svc.EmptyTrash(ctx); err != nil || n != 0 {
		t.Errorf("again: %d %v", n, err)
	}
}
