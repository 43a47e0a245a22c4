package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestQueueTrash: a comment's trashed_at is set when it goes to the
// trash, kept while it stays there, and cleared when it leaves; the
// housekeeping deletes what has been in the trash longer than the days
// given (comments by trashed_at, guest submissions by their last change),
// with one audit row, and nothing else.
func TestQueueTrash(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Binned", post.Published, time.Now().Add(-time.Hour))
	old := mustComment(t, s.Pool, p.ID, nil, "Old", "old@mail.invalid", comment.StatusHeld)
	recent := mustComment(t, s.Pool, p.ID, nil, "Recent", "recent@mail.invalid", comment.StatusHeld)
	kept := mustComment(t, s.Pool, p.ID, nil, "Kept", "kept@mail.invalid", comment.StatusApproved)
	reply := mustComment(t, s.Pool, p.ID, old, "Reply", "reply@mail.invalid", comment.StatusApproved)
	trashedAt := func(id int64) *time.Time {
		var at *time.Time
		if err := s.Pool.QueryRow(ctx, `SELECT trashed_at FROM comments WHERE id = $1`, id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if _, err := store.SetCommentStatus(ctx, s.Pool, 0, []int64{old.ID, recent.ID}, comment.StatusTrash); err != nil {
		t.Fatal(err)
	}
	if trashedAt(old.ID) == nil || trashedAt(kept.ID) != nil {
		t.Fatalf("trashed_at: %v, %v", trashedAt(old.ID), trashedAt(kept.ID))
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE comments SET trashed_at = now() - interval '31 days' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	if err := store.CorrectComment(ctx, s.Pool, old.ID, "Old", "", "edited", "<p>edited</p>"); err != nil {
		t.Fatal(err)
	}
	if at := trashedAt(old.ID); at == nil || time.Since(*at) < 30*24*time.Hour {
		t.Errorf("an edit in the trash moved trashed_at to %v", at)
	}
	// Out and back in: the days count again from the new trashing.
	if _, err := store.SetCommentStatus(ctx, s.Pool, 0, []int64{kept.ID}, comment.StatusTrash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE comments SET trashed_at = now() - interval '40 days' WHERE id = $1`, kept.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetCommentStatus(ctx, s.Pool, 0, []int64{kept.ID}, comment.StatusApproved); err != nil {
		t.Fatal(err)
	}
	if at := trashedAt(kept.ID); at != nil {
		t.Errorf("out of the trash, trashed_at %v", at)
	}
	var guestOld, guestRecent int64
	for i, age := range []string{"31 days", "1 day"} {
		var g, id int64
		if err := s.Pool.QueryRow(ctx, `INSERT INTO guests (email, name) VALUES ($1, 'G') RETURNING id`,
			[]string{"g1@mail.invalid", "g2@mail.invalid"}[i]).Scan(&g); err != nil {
			t.Fatal(err)
		}
		if err := s.Pool.QueryRow(ctx, `INSERT INTO guest_submissions (guest_id, status, trashed, token_hash, token_salt, name, email, updated_at)
			VALUES ($1::bigint, 'received', true, sha256($1::bigint::text::bytea), '\x00', 'G', 'g@mail.invalid', now() - $2::interval) RETURNING id`, g, age).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			guestOld = id
		} else {
			guestRecent = id
		}
	}

	n, err := store.EmptyQueueTrash(ctx, s.Pool, 0, 30, time.Now(), true)
	if err != nil || n != 2 {
		t.Fatalf("emptied %d, %v; want 2", n, err)
	}
	var left []int64
	rows, _ := s.Pool.Query(ctx, `SELECT id FROM comments ORDER BY id`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		left = append(left, id)
	}
	if len(left) != 3 || left[0] != recent.ID || left[1] != kept.ID || left[2] != reply.ID {
		t.Errorf("comments left %v; want %d, %d, %d", left, recent.ID, kept.ID, reply.ID)
	}
	var guests []int64
	rows, _ = s.Pool.Query(ctx, `SELECT id FROM guest_submissions ORDER BY id`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		guests = append(guests, id)
	}
	if len(guests) != 1 || guests[0] != guestRecent || guests[0] == guestOld {
		t.Errorf("submissions left %v; want %d", guests, guestRecent)
	}
	log, _ := store.AuditLog(ctx, s.Pool, store.AuditFilter{Limit: 1})
	if len(log) != 1 || log[0].Action != "comment.empty_trash" || log[0].ActorID != nil || log[0].After != "2 deleted" {
		t.Errorf("audit %+v", log)
	}
	if n, err := store.EmptyQueueTrash(ctx, s.Pool, 0, 30, time.Now(), true); err != nil || n != 0 {
		t.Errorf("again: %d %v", n, err)
	}
	if log2, _ := store.AuditLog(ctx, s.Pool, store.AuditFilter{Limit: 1}); log2[0].ID != log[0].ID {
		t.Errorf("an empty run wrote %+v", log2[0])
	}
	// A moderator's Empty trash (0 days) takes all of it, even a row
	// without a trashed_at, which the housekeeping leaves; a guest
	// submission only for those who review them.
	for _, q := range []string{`UPDATE comments SET status = 'trash' WHERE id = $1`, `UPDATE comments SET trashed_at = NULL WHERE id = $1`} {
		if _, err := s.Pool.Exec(ctx, q, reply.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := store.EmptyQueueTrash(ctx, s.Pool, 0, 30, time.Now(), true); err != nil || n != 0 {
		t.Errorf("housekeeping with a trashed_at-less row: %d %v", n, err)
	}
	mod := mustUser(t, s.Pool, "mo", account.Moderator)
	if n, err := store.EmptyQueueTrash(ctx, s.Pool, mod.ID, 0, time.Now(), false); err != nil || n != 2 {
		t.Errorf("Empty trash: %d %v; want 2 (the recent comment and the row without trashed_at)", n, err)
	}
	if n, err := store.EmptyQueueTrash(ctx, s.Pool, mod.ID, 0, time.Now(), true); err != nil || n != 1 {
		t.Errorf("Empty trash with guest posts: %d %v; want 1", n, err)
	}
	if log, _ := store.AuditLog(ctx, s.Pool, store.AuditFilter{Limit: 1}); log[0].Actor != "mo" || log[0].Before != "all of the trash" {
		t.Errorf("a moderator's Empty trash: %+v", log[0])
	}
}
