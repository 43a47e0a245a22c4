package store

import "quire/internal/pgerr"

// UnavailableRetry is what a client is told to wait when PostgreSQL cannot
// be reached (pgerr.RetryAfter).
const UnavailableRetry = pgerr.RetryAfter

// Classify turns a lost database into apperr.Unavailable (pgerr.Unavailable,
// where the rule lives); other errors pass unchanged.
func Classify(err error) error { return pgerr.Unavailable(err) }

// unreachable reports whether err comes from a broken connection to
// PostgreSQL (pgerr.Unreachable).
func unreachable(err error) bool { return pgerr.Unreachable(err) }
