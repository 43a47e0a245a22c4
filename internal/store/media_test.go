package store_test

import (
	"context"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/media"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestMediaRows: insert, page by uploader, describe, usage by hash (posts
// in the trash do not count), delete with the shared-files answer.
func TestMediaRows(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var users []*account.User
	for _, n := range []string{"ann", "bob"} {
		u := &account.User{Username: n, Email: n + "@example.com", Role: account.Author}
		if err := store.CreateUser(ctx, st.Pool, u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	hash := "0123456789abcdef0123456789abcdef"
	mk := func(u *account.User) *store.Media {
		m := &store.Media{UploaderID: u.ID, Hash: hash, Name: hash + ".jpg", ContentType: "image/jpeg", Source: media.PNG,
			Width: 2000, Height: 1000, Bytes: 1234, Variants: []media.Variant{{Name: hash + "-480.jpg", Width: 480, Height: 240, Bytes: 99}}}
		if err := store.CreateMedia(ctx, st.Pool, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := mk(users[0]), mk(users[1])
	got, err := store.MediaByID(ctx, st.Pool, a.ID)
	if err != nil || got.Uploader != "ann" || got.Source != media.PNG || len(got.Variants) != 1 || got.Variants[0].Width != 480 {
		t.Fatalf("read back %+v, %v", got, err)
	}
	if l, _ := store.MediaList(ctx, st.Pool, store.MediaFilter{UploaderID: users[0].ID, Limit: 10}); len(l) != 1 || l[0].ID != a.ID {
		t.Errorf("ann's list %v", l)
	}
	if l, _ := store.MediaList(ctx, st.Pool, store.MediaFilter{Before: b.ID, Limit: 10}); len(l) != 1 || l[0].ID != a.ID {
		t.Errorf("everyone's, before b: %v", l)
	}
	if err := store.UpdateMediaText(ctx, st.Pool, a.ID, "alt", "cap"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ slug, status string }{{"shown", "published"}, {"binned", "trashed"}} {
		_, err := st.Pool.Exec(ctx, `INSERT INTO posts (author_id, title, slug, status, published_at, body_html) VALUES ($1, $2, $2, $3, now(), $4)`,
			users[0].ID, p.slug, p.status, `<img src="/media/`+hash+`-480.jpg" alt="">`)
		if err != nil {
			t.Fatal(err)
		}
	}
	if l, _ := store.MediaList(ctx, st.Pool, store.MediaFilter{Limit: 10, Unused: true}); len(l) != 0 {
		t.Errorf("unused: %d images, but a post shows the picture", len(l))
	}
	uses, err := store.MediaUsage(ctx, st.Pool, []string{hash, "ffffffffffffffffffffffffffffffff"})
	if err != nil || len(uses[hash]) != 1 || uses[hash][0].Slug != "shown" || len(uses) != 1 {
		t.Errorf("usage %v, %v", uses, err)
	}
	// The usage query reads the index, not every post's body.
	tx, err := st.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var plan strings.Builder
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN SELECT 1 FROM posts p WHERE media_hashes(p.body_html) && $1::text[]`, []string{hash})
	if err == nil {
		for rows.Next() {
			var line string
			_ = rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		rows.Close()
	}
	if !strings.Contains(plan.String(), "posts_media_idx") {
		t.Errorf("usage does not use posts_media_idx (%v):\n%s", err, plan.String())
	}
	if shared, err := store.DeleteMedia(ctx, st.Pool, a.ID); err != nil || !shared {
		t.Errorf("first delete: shared %v, %v", shared, err)
	}
	if shared, err := store.DeleteMedia(ctx, st.Pool, b.ID); err != nil || shared {
		t.Errorf("last delete: shared %v, %v", shared, err)
	}
	if _, err := store.MediaByID(ctx, st.Pool, a.ID); err == nil {
		t.Error("deleted row still read")
	}
}
