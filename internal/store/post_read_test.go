package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"

	"errors"
)

// TestReadPostIsPostBySlug: the post page's one read gives the post and
// its terms as PostBySlug does, less the body's source and search text.
func TestReadPostIsPostBySlug(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	for _, tags := range [][]string{nil, {"zeta", "Alpha", "beta"}} {
		p := mustPost(t, s.Pool, ann, "Post "+time.Now().Format("150405.000000"), post.Published, time.Now().Add(-time.Hour), tags...)
		want, err := store.PostBySlug(ctx, s.Pool, post.KindPost, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		got, _, _, err := store.ReadPost(ctx, s.Pool, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.BodySource != "" || got.BodyText != "" {
			t.Error("the page's read carries the body's source or search text")
		}
		want.BodySource, want.BodyText = "", ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ReadPost:\n%+v\nPostBySlug:\n%+v", got, want)
		}
	}
	if _, _, _, err := store.ReadPost(ctx, s.Pool, "no-such-post"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("no such post: %v", err)
	}
}
