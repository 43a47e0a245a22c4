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
// transaction that fn continues; the comment fn returns is stored with
// everything fn wrote, at the COMMIT; fn's error, a failed statement or a
// failing INSERT rolls all of it back; a missing post reaches fn as
// apperr.ErrNotFound; and the connection goes back to the pool usable
// whatever happened.
func TestTransactSubmit(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	u := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, u, "Open", post.Published, time.Now().Add(-time.Hour))
	a := store.SubmitArgs{PostID: p.ID, Email: "r@mail.invalid", IP: "192.0.2.1", Body: "Hello",
		IPWindow: time.Minute, EmailWindow: time.Minute, DupWindow: time.Hour}
	// held is a held comment with the read's id; status "bogus" fails the
	// row check.
	held := func(r store.SubmitRead, status comment.Status) *store.NewComment {
		n := &store.NewComment{}
		n.ID, n.PostID, n.Status, n.AuthorName, n.AuthorEmail, n.IP = r.ID, r.Post.ID, status, "Reader", a.Email, a.IP
		return n
	}
	audit := func(tx pgx.Tx, r store.SubmitRead) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (action, item_kind, item_id) VALUES ('test', 'comment', $1)`, r.ID)
		return err
	}
	counts := func() (comments, audits int) {
		t.Helper()
		if err := s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM comments WHERE post_id = $1),
			(SELECT count(*) FROM audit_log WHERE action = 'test')`, p.ID).Scan(&comments, &audits); err != nil {
			t.Fatal(err)
		}
		return comments, audits
	}
	want := func(step string, err error, wantErr error, comments, audits int) {
		t.Helper()
		if (wantErr == nil) != (err == nil) || (wantErr != nil && !errors.Is(err, wantErr)) {
			t.Errorf("%s: error %v, want %v", step, err, wantErr)
		}
		if c, au := counts(); c != comments || au != audits {
			t.Errorf("%s: %d comments and %d audit rows, want %d and %d", step, c, au, comments, audits)
		}
	}

	var stored *store.NewComment
	err := s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		if err != nil {
			return nil, err
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
		stored = held(r, comment.StatusHeld)
		return stored, audit(tx, r)
	})
	want("commit", err, nil, 1, 1)
	if stored.CreatedAt.IsZero() || stored.Path == "" {
		t.Errorf("stored comment without created_at or path: %+v", stored.Comment)
	}

	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		return nil, audit(tx, r) // nothing to store (a refused comment's transaction)
	})
	want("no comment", err, nil, 1, 2)

	boom := errors.New("boom")
	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		if err := audit(tx, r); err != nil {
			return nil, err
		}
		return held(r, comment.StatusHeld), boom
	})
	want("fn's error", err, boom, 1, 2)

	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		if err := audit(tx, r); err != nil {
			return nil, err
		}
		return held(r, "bogus"), nil
	})
	if err == nil {
		t.Error("a failing INSERT: no error")
	}
	want("failing INSERT", nil, nil, 1, 2)

	err = s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		_ = store.InsertComment(ctx, tx, held(r, "bogus")) // fails; ignored
		return held(r, comment.StatusHeld), nil
	})
	if err == nil {
		t.Error("a statement failed before the INSERT: no error")
	}
	want("ignored failure", nil, nil, 1, 2)

	missing := a
	missing.PostID = p.ID + 1000
	err = s.TransactSubmit(ctx, missing, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
		if !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("missing post: fn got %v, want apperr.ErrNotFound", err)
		}
		return nil, err
	})
	want("missing post", err, apperr.ErrNotFound, 1, 2)

	// Every connection is back, idle and usable: more submissions than the
	// pool holds, at once, still work.
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			errs <- s.TransactSubmit(ctx, a, func(tx pgx.Tx, r store.SubmitRead, err error) (*store.NewComment, error) {
				if err != nil {
					return nil, err
				}
				return held(r, comment.StatusHeld), nil
			})
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want("concurrent", nil, nil, 1+cap(errs), 2)
}
