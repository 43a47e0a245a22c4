package store

import "quire/internal/pgerr"

// BadText turns PostgreSQL's refusal of a text value into apperr.Invalid
// (pgerr.BadText, where the rule lives); other errors pass unchanged.
func BadText(err error) error { return pgerr.BadText(err) }
