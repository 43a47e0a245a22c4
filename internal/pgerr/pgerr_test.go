package pgerr_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
	"quire/internal/pgerr"
)

func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	// A port nothing listens on: the dial itself fails.
	_, err := pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	cases := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"refused dial", err, apperr.Unavailable},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, apperr.Unavailable},
		{"starting up", &pgconn.PgError{Code: "57P03"}, apperr.Unavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, apperr.Unavailable},
		{"closed conn", pgconn.ErrConnClosed, apperr.Unavailable},
		{"unique violation", &pgconn.PgError{Code: "23505"}, apperr.Internal},
		{"body EOF", io.ErrUnexpectedEOF, apperr.Internal},
		{"no rows", pgx.ErrNoRows, apperr.Internal},
		{"canceled", context.Canceled, apperr.Internal},
		{"already classified", apperr.New(apperr.Conflict, "x"), apperr.Conflict},
	}
	for _, c := range cases {
		got := pgerr.Unavailable(c.err)
		if apperr.CodeOf(got) != c.want {
			t.Errorf("%s: code %s, want %s", c.name, apperr.CodeOf(got), c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%s: cause lost", c.name)
		}
		if e, ok := apperr.As(got); ok && e.Code == apperr.Unavailable && e.RetryAfter <= 0 {
			t.Errorf("%s: no RetryAfter", c.name)
		}
	}
	if pgerr.Unavailable(nil) != nil {
		t.Error("nil classified")
	}
}

// TestClassify: refused text is a 400 with its cause kept; a lost
// database still a 503; anything else passes unchanged.
func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"NUL byte", &pgconn.PgError{Code: "22021"}, apperr.Invalid},
		{"untranslatable", &pgconn.PgError{Code: "22P05"}, apperr.Invalid},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, apperr.Unavailable},
		{"unique violation", &pgconn.PgError{Code: "23505"}, apperr.Internal},
		{"already classified", apperr.Wrap(&pgconn.PgError{Code: "22021"}, apperr.Conflict, "x"), apperr.Conflict},
	}
	for _, c := range cases {
		got := pgerr.Classify(c.err)
		if apperr.CodeOf(got) != c.want {
			t.Errorf("%s: code %s, want %s", c.name, apperr.CodeOf(got), c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%s: cause lost", c.name)
		}
	}
	if pgerr.Classify(nil) != nil {
		t.Error("nil classified")
	}
}
