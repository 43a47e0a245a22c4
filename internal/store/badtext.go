package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
)

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
