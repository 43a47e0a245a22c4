// Package pgerr says what a PostgreSQL error means to a client: the
// database gone away for a moment (apperr.Unavailable: 503 with
// Retry-After) or a text value it refused (apperr.Invalid: 400). It is the
// one place that knows the driver's error types, so the HTML pages and the
// JSON API map errors without importing the store.
package pgerr

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
)

// RetryAfter is what a client is told to wait when PostgreSQL cannot be
// reached: a restart or a failover takes a few seconds.
const RetryAfter = 5 * time.Second

// Classify applies BadText, then Unavailable: what every error page and the
// JSON envelope do before picking a status.
func Classify(err error) error { return Unavailable(BadText(err)) }

// Unavailable is the one place that knows which database errors mean "the
// database is not there right now" (a restart, a failover, a network
// cut): those become apperr.Unavailable, which every error page and the
// JSON API answer with 503 and Retry-After. Other errors pass unchanged.
func Unavailable(err error) error {
	if err == nil || !Unreachable(err) {
		return err
	}
	if _, ok := apperr.As(err); ok {
		return err // already classified (or a user-safe error wrapping one)
	}
	e := apperr.Wrap(err, apperr.Unavailable, "The blog's database is not answering right now. Please try again in a few seconds.")
	e.RetryAfter = RetryAfter
	return e
}

// Unreachable reports whether err comes from a connection to PostgreSQL
// that failed or broke rather than from a statement PostgreSQL refused.
func Unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection_exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case pgErr.Code == "53300": // too_many_connections
			return true
		case pgErr.Code == "25006": // read_only_sql_transaction: a demoted primary during failover
			return true
		}
		return false
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	// pgconn's own connection-level errors (a broken or closed connection,
	// a network timeout) carry SafeToRetry; nothing else does, so an EOF
	// from a request body or a failed outbound fetch is not mistaken for
	// the database going away.
	var connLevel interface{ SafeToRetry() bool }
	if errors.As(err, &connLevel) {
		return !errors.Is(err, context.Canceled)
	}
	return errors.Is(err, pgconn.ErrConnClosed)
}

// BadText turns PostgreSQL's refusal of a text value (a NUL byte or
// invalid UTF-8: character_not_in_repertoire, untranslatable_character)
// into apperr.Invalid, so text that slipped past a handler's checks is a
// 400 for the client, never a 500 and an ERROR in the log. Other errors
// pass unchanged. The edge refuses such bytes in URLs and JSON before any
// handler runs; this is the backstop for forms and uploads, whose handlers
// give field-level messages where they can.
func BadText(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05") {
		if _, ok := apperr.As(err); ok {
			return err
		}
		return apperr.Wrap(err, apperr.Invalid, "What you sent holds characters that cannot be stored (a NUL byte or invalid UTF-8).")
	}
	return err
}
