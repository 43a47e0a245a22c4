package account

import "quire/internal/apperr"

func containsField(err error, f string) bool {
	e, ok := apperr.As(err)
	if !ok {
		return false
	}
	_, has := e.Fields[f]
	return has
}
