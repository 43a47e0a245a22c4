package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
)

// UnavailableRetry is what a client is told to wait when PostgreSQL cannot
// be reached: a restart or a failover takes a few seconds.
const UnavailableRetry = 5 * time.Second

// Classify is the one place that knows which database errors mean "the
// database is not there right now" (a restart, a failover, a network
// cut): those become apperr.Unavailable, which every error page and the
// JSON API answer with 503 and Retry-After. Other errors pass unchanged.
func Classify(err error) error {
	if err == nil || !unreachable(err) {
		return err
	}
	if _, ok := apperr.As(err); ok {
		return err // already classified (or a user-safe error wrapping one)
	}
	e := apperr.Wrap(err, apperr.Unavailable, "The blog's database is not answering right now. Please try again in a few seconds.")
	e.RetryAfter = UnavailableRetry
	return e
}

// unreachable reports whether err comes from a connection to PostgreSQL
// that failed or broke rather than from a statement PostgreSQL refused.
func unreachable(err error) bool {
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
