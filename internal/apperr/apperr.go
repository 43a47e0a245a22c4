// Package apperr defines Quire's one application error type: a stable Code
// that maps to an HTTP status and a JSON error code, and a Message that is
// safe to show to users. The wrapped cause is for logs only.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error class.
type Code string

// The codes clients may see. They are part of the JSON API.
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	TooLarge     Code = "too_large"
	NotAllowed   Code = "method_not_allowed" // a method the address does not take
	TooMany      Code = "rate_limited"
	Gone         Code = "gone"
	Internal     Code = "internal"
	// Unavailable: a dependency (the database) cannot be reached right
	// now; the client should retry after RetryAfter.
	Unavailable Code = "unavailable"
)

// Error is an error with a user-safe message.
type Error struct {
	Code       Code
	Message    string            // safe to show; never the cause's text
	Fields     map[string]string // per-field messages for forms and JSON
	RetryAfter time.Duration     // for TooMany and Unavailable
	Err        error             // cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with code and message that keeps err as its cause.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Fields returns an Invalid error carrying per-field messages.
func FieldErrors(msg string, fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: msg, Fields: fields}
}

// ErrNotFound is the store's sentinel for a missing row; handlers map it to 404.
var ErrNotFound = &Error{Code: NotFound, Message: "Not found."}

// CodeOf returns the Code of err: the Error's code, NotFound for ErrNotFound,
// Internal for anything else.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-safe message of err.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HTTPStatus maps a code to its HTTP status; the one table both the HTML
// pages and the JSON API use.
func HTTPStatus(c Code) int {
	switch c {
	case Invalid:
		return 400
	case Unauthorized:
		return 401
	case Forbidden:
		return 403
	case NotFound:
		return 404
	case Conflict:
		return 409
	case Gone:
		return 410
	case NotAllowed:
		return 405
	case TooLarge:
		return 413
	case TooMany:
		return 429
	case Unavailable:
		return 503
	}
	return 500
}
