package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestTransactSubmit: TransactSubmit's BEGIN and read open a real
// transaction that fn continues; fn's nil commits everything it wrote,
// fn's error or a failed statement rolls all of it back, a missing post
// reaches fn as apperr.ErrNotFound, and the connection goes back to the
// pool usable whatever happened.
func TestTransactSubmit(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Open", post.Published, time.Now().Add(-time.Hour))
	a := store.SubmitArgs{PostID: p.ID, Email: "r@mail.invalid", IP: "192.0.2.1", Body: "Hello",
		IPWindow: time.Minute, EmailWindow: time.Minute, DupWindow: time.Hour}
	// insert stores a held comment with the read's id, or with status
	// bad, which fails the row check and aborts the transaction.
	insert := func(tx pgx.Tx, r store.SubmitRead, bad string) error {
		n := &store.NewComment{}
		n.ID, n.PostID, n.Status, n.AuthorName, n.AuthorEmail, n.IP = r.ID, r.Post.ID, "held", "Reader", a.Email, a.IP
		if bad != "" {
			n.Status = comment.Status(bad)
		}
		return store.InsertComment(ctx, tx, n)
	}
	count := func() int {
		t.Helper()
		var n int
		if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM comments WHERE post_id = $1`, p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Commit: the read, in a transaction, and fn's two writes.
	err := s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) error {
		if err != nil {
			return err
		}
		if r.Post.ID != p.ID || r.Post.Title != "Open" || r.ID == 0 || r.Signals.RecentFromIP != 0 {
			t.Errorf("read %+v, post %+v", r, r.Post)
		}
		if st := tx.Conn().PgConn().TxStatus(); st != 'T' {
			t.Errorf("fn runs with transaction status %q, want T", st)
		}
		var inTx bool
		if err := tx.QueryRow(ctx, `SELECT now() = (SELECT xact_start FROM pg_stat_activity WHERE pid = pg_backend_pid())
			AND now() <> clock_timestamp()`).Scan(&inTx); err != nil || !inTx {
			t.Errorf("fn's statements are not in the read's transaction (%v)", err)
		}
		if err := insert(tx, r, ""); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (action, item_kind, item_id) VALUES ('test', 'comment', $1)`, r.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d comments after a commit, want 1", n)
	}

	// fn's error rolls back what it wrote.
	boom := errors.New("boom")
	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) error {
		if err := insert(tx, r, ""); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count() != 1 {
		t.Fatalf("fn's error: %v, %d comments; want boom and 1", err, count())
	}

	// A failed statement that fn ignores: the commit is a rollback.
	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) error {
		_ = insert(tx, r, "bogus")
		return nil
	})
	if !errors.Is(err, pgx.ErrTxCommitRollback) || count() != 1 {
		t.Fatalf("ignored failure: %v, %d comments; want ErrTxCommitRollback and 1", err, count())
	}

	// No such post.
	missing := a
	missing.PostID = p.ID + 1000
	err = s.TransactSubmit(ctx, missing, func(tx pgx.Tx, r store.SubmitRead, err error) error {
		if !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("missing post: fn got %v, want apperr.ErrNotFound", err)
		}
		return err
	})
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("missing post: %v", err)
	}

	// Every connection is back, idle and usable: as many submissions as
	// the pool holds, at once, still work.
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			errs <- s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) error {
				if err != nil {
					return err
				}
				return insert(tx, r, "")
			})
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != 1+cap(errs) {
		t.Fatalf("%d comments, want %d", n, 1+cap(errs))
	}
}
