package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// SubmitArgs are the arguments of CommentSubmitRead.
type SubmitArgs struct {
	PostID                           int64
	Email, IP, Body                  string
	IPWindow, EmailWindow, DupWindow time.Duration
}

// TransactSubmit is Transact for a new comment, in three round trips
// where Transact takes five: it runs fn in a transaction whose first
// statement is CommentSubmitRead(a), sent together with the BEGIN; fn
// receives the read and its error (apperr.ErrNotFound when there is no
// such post) and does its work in tx (the opt-in and its job), then
// returns the comment to store, or nil. That INSERT, the comment's event
// when it is announced (NewComment.Announce) and the COMMIT go together,
// last, and fill the comment's Path and CreatedAt. fn's error rolls
// everything back, and so does a failing INSERT.
//
// A comment's connection is held from BEGIN to the end of COMMIT, most
// of it waiting for the commit's WAL flush; each round trip saved is
// time another comment can have the connection. The tx fn gets
// supports what the submission does (statements, batches, River's
// InsertTx), not nested transactions or large objects.
func (s *Store) TransactSubmit(ctx context.Context, a SubmitArgs, fn func(tx pgx.Tx, r SubmitRead, err error) (*NewComment, error)) error {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection left inside a transaction (an error half way) is not
	// put back in the pool but closed: pgxpool checks its state.
	defer c.Release()
	var ipArg *string
	if a.IP != "" {
		ipArg = &a.IP
	}
	b := &pgx.Batch{}
	b.Queue("begin")
	b.Queue(genericPlans)
	b.Queue(commentSubmitSQL, a.PostID, a.Email, ipArg, a.Body, a.IPWindow.Seconds(), a.EmailWindow.Seconds(), a.DupWindow.Seconds())
	br := c.Conn().SendBatch(ctx, b)
	_, err = br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	var r SubmitRead
	if err == nil {
		r.Post, err = scanCommentPost(br.QueryRow(), &r.Signals.KnownAuthor, &r.Signals.RecentFromIP,
			&r.Signals.RecentFromEmail, &r.Signals.Duplicate, &r.ID)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	tx := &begunTx{c: c.Conn()}
	if c.Conn().PgConn().TxStatus() == 'I' {
		// BEGIN itself failed: there is no transaction to run fn in.
		return errors.Join(err, errors.New("store: BEGIN failed"))
	}
	n, err := fn(tx, r, err)
	if err != nil {
		return errors.Join(err, tx.Rollback(ctx))
	}
	if n == nil {
		return tx.Commit(ctx)
	}
	return tx.insertAndCommit(ctx, n)
}

// insertAndCommit sends n's INSERT, its event when announced and the
// COMMIT in one round trip.
func (t *begunTx) insertAndCommit(ctx context.Context, n *NewComment) error {
	b := &pgx.Batch{}
	b.Queue(insertCommentSQL, insertCommentArgs(n)...)
	events := queueEvents(b, []*NewComment{n})
	b.Queue("commit")
	br := t.c.SendBatch(ctx, b)
	err := br.QueryRow().Scan(&n.CreatedAt)
	if err == nil && events {
		_, err = br.Exec()
	}
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return t.settle(ctx, err, tag)
}

// settle ends the round trip that carried the COMMIT. On err the INSERT
// failed (PostgreSQL then skipped the COMMIT) or the connection did: it
// rolls back whatever is left. A COMMIT answered ROLLBACK means an
// earlier statement had failed.
func (t *begunTx) settle(ctx context.Context, err error, tag pgconn.CommandTag) error {
	if err != nil {
		if t.c.PgConn().TxStatus() != 'I' {
			err = errors.Join(err, t.Rollback(ctx))
		}
		return err
	}
	t.done = true
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// TransactFrom is Transact with the transaction's first statements, b,
// sent in one round trip with its BEGIN, where Transact would take a
// round trip for the BEGIN alone: their results reach b's callbacks
// before fn runs. fn may return its last statements, which go in one
// round trip with the COMMIT (nil: the COMMIT alone). A statement of b
// that fails rolls the transaction back and is returned without fn
// being called; fn's error, or its last statements', rolls it back too.
// fn's tx supports what TransactSubmit's does.
func (s *Store) TransactFrom(ctx context.Context, b *pgx.Batch, fn func(tx pgx.Tx) (last *pgx.Batch, err error)) error {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release() // a connection left inside a transaction is closed, not reused
	tx, err := begin(ctx, c.Conn(), b)
	if err != nil {
		return err
	}
	last, err := fn(tx)
	if err != nil {
		return errors.Join(err, tx.Rollback(ctx))
	}
	if last == nil || last.Len() == 0 {
		return tx.Commit(ctx)
	}
	var tag pgconn.CommandTag
	last.Queue("commit").Exec(func(ct pgconn.CommandTag) error { tag = ct; return nil })
	err = tx.c.SendBatch(ctx, last).Close() // sets tag: not in settle's arguments, whose order Go leaves open
	return tx.settle(ctx, err, tag)
}

// begin sends BEGIN and b's statements on c in one round trip and
// returns the transaction they opened. When one of them fails, the
// transaction (if BEGIN opened one) is rolled back and the error
// returned.
func begin(ctx context.Context, c *pgx.Conn, b *pgx.Batch) (*begunTx, error) {
	bb := &pgx.Batch{}
	bb.Queue("begin")
	bb.QueuedQueries = append(bb.QueuedQueries, b.QueuedQueries...)
	err := c.SendBatch(ctx, bb).Close()
	tx := &begunTx{c: c}
	if c.PgConn().TxStatus() == 'I' {
		return nil, errors.Join(err, errors.New("store: BEGIN failed"))
	}
	if err != nil {
		return nil, errors.Join(err, tx.Rollback(ctx))
	}
	return tx, nil
}

// begunTx is the pgx.Tx of TransactSubmit, TransactSubmitBatch and
// TransactFrom: a connection whose BEGIN has already been sent.
type begunTx struct {
	c    *pgx.Conn
	done bool
}

func (t *begunTx) Begin(context.Context) (pgx.Tx, error) {
	return nil, errors.New("store: no nested transaction in a transaction begun with its first statements")
}

func (t *begunTx) Commit(ctx context.Context) error {
	if t.done {
		return pgx.ErrTxClosed
	}
	t.done = true
	tag, err := t.c.Exec(ctx, "commit")
	if err == nil && tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback // the transaction had failed: PostgreSQL rolled it back
	}
	return err
}

func (t *begunTx) Rollback(ctx context.Context) error {
	if t.done {
		return pgx.ErrTxClosed
	}
	t.done = true
	_, err := t.c.Exec(ctx, "rollback")
	return err
}

func (t *begunTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	return t.c.CopyFrom(ctx, table, cols, src)
}

func (t *begunTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return t.c.SendBatch(ctx, b)
}

// LargeObjects is not supported: pgx.LargeObjects can only be made by
// pgx's own transactions. Its zero value fails on use.
func (t *begunTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (t *begunTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.c.Prepare(ctx, name, sql)
}

func (t *begunTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.c.Exec(ctx, sql, args...)
}

func (t *begunTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.c.Query(ctx, sql, args...)
}

func (t *begunTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.c.QueryRow(ctx, sql, args...)
}

func (t *begunTx) Conn() *pgx.Conn { return t.c }
