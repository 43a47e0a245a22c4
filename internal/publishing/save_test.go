package publishing_test

import (
	"context"
	"errors"
	"testing"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/publishing"
	"quire/internal/render"
	"quire/internal/store/storetest"
)

// TestUpdateRevisionsRedirect: a save that names a missing featured image
// writes nothing; a renamed published post keeps its old version as a
// revision and its old slug as a redirect; restoring the revision brings
// the old content and slug back, keeping the replaced version in turn.
func TestUpdateRevisionsRedirect(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	svc := &publishing.Service{Store: st, Render: render.New()}
	ann := mustUser(t, st, "ann", account.Author)
	p := mustPublish(t, svc, ann, post.KindPost, "First title", publishing.Extras{})
	oldSlug := p.Slug

	edit := *p
	edit.Title, edit.Slug = "Second title", "second-title"
	if err := svc.Prepare(&edit); err != nil {
		t.Fatal(err)
	}
	missing := int64(4242)
	if err := svc.Update(ctx, ann, &edit, publishing.Extras{Featured: &missing}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("save with a missing image: %v", err)
	}
	if got, _ := svc.Editable(ctx, ann, p.ID); got.Title != "First title" {
		t.Fatalf("a refused save wrote: %q", got.Title)
	}
	if err := svc.Update(ctx, ann, &edit, publishing.Extras{}); err != nil {
		t.Fatal(err)
	}
	if cur, err := svc.SlugRedirect(ctx, post.KindPost, oldSlug); err != nil || cur != "second-title" {
		t.Errorf("old slug redirects to %q, %v", cur, err)
	}
	if _, err := svc.SlugRedirect(ctx, post.KindPost, "never-was"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	revs, err := svc.Revisions(ctx, p.ID)
	if err != nil || len(revs) != 1 || revs[0].Title != "First title" {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	rev, err := svc.Revision(ctx, p.ID, revs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := svc.Editable(ctx, ann, p.ID)
	if err := svc.RestoreRevision(ctx, ann, cur, rev); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Editable(ctx, ann, p.ID); got.Title != "First title" || got.Slug != oldSlug || got.Status != post.Published {
		t.Errorf("after the restore: %q %q %s", got.Title, got.Slug, got.Status)
	}
	if revs, _ := svc.Revisions(ctx, p.ID); len(revs) != 2 {
		t.Errorf("the restore kept %d revisions, want 2 (the replaced version too)", len(revs))
	}
}
