package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestTransactFrom: the first statements run inside the transaction,
// their callbacks before fn; what they and fn write is committed
// together; a failing first statement rolls back without calling fn;
// fn's error rolls back what the first statements wrote; and the pool's
// connections stay usable.
func TestTransactFrom(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	if _, err := s.Pool.Exec(ctx, `CREATE TABLE tf (v text)`); err != nil {
		t.Fatal(err)
	}
	rows := func() []string {
		t.Helper()
		var vs []string
		if err := s.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(v ORDER BY v), '{}') FROM tf`).Scan(&vs); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	first := func(v string) (*pgx.Batch, *bool) {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO tf VALUES ($1)`, v)
		inTx := new(bool)
		b.Queue(`SELECT txid_current_if_assigned() IS NOT NULL`).QueryRow(func(row pgx.Row) error {
			// In the INSERT's transaction, it has an id; alone, none.
			return row.Scan(inTx)
		})
		return b, inTx
	}

	b, inTx := first("a")
	called := false
	err := s.TransactFrom(ctx, b, func(tx pgx.Tx) (*pgx.Batch, error) {
		called = true
		if !*inTx {
			t.Error("the first statements ran outside the transaction, or after fn")
		}
		_, err := tx.Exec(ctx, `INSERT INTO tf VALUES ('b')`)
		last := &pgx.Batch{} // sent with the COMMIT
		last.Queue(`INSERT INTO tf VALUES ('b2')`)
		return last, err
	})
	if err != nil || !called {
		t.Fatalf("TransactFrom: %v (fn called: %v)", err, called)
	}
	if got := rows(); len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "b2" {
		t.Errorf("after a commit: %v, want [a b b2]", got)
	}
	b, _ = first("e")
	err = s.TransactFrom(ctx, b, func(tx pgx.Tx) (*pgx.Batch, error) {
		last := &pgx.Batch{}
		last.Queue(`INSERT INTO tf VALUES ('f')`)
		last.Queue(`SELECT 1/0`)
		return last, nil
	})
	if pe := (*pgconn.PgError)(nil); !errors.As(err, &pe) {
		t.Errorf("a failing last statement: %v, want its *pgconn.PgError", err)
	}
	if got := rows(); len(got) != 3 {
		t.Errorf("after a failing last statement: %v, want [a b b2]", got)
	}

	bad := &pgx.Batch{}
	bad.Queue(`INSERT INTO tf VALUES ('c')`)
	bad.Queue(`SELECT 1/0`)
	called = false
	err = s.TransactFrom(ctx, bad, func(tx pgx.Tx) (*pgx.Batch, error) { called = true; return nil, nil })
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || called {
		t.Errorf("a failing first statement: %v (fn called: %v), want its *pgconn.PgError and no fn", err, called)
	}

	b, _ = first("d")
	boom := errors.New("boom")
	if err := s.TransactFrom(ctx, b, func(tx pgx.Tx) (*pgx.Batch, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("fn's error: %v, want boom", err)
	}
	if got := rows(); len(got) != 3 {
		t.Errorf("after three rollbacks: %v, want [a b b2]", got)
	}
	// Every connection of the pool still works (none left in a transaction).
	for range s.Pool.Stat().MaxConns() {
		var one int
		if err := s.Pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
			t.Fatal(err)
		}
	}
}
