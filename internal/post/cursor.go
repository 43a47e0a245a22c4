package post

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"quire/internal/apperr"
)

// Cursor is a position in a list ordered by (published_at DESC, id DESC)
// (or by id alone where At is zero): the last item seen. Before asks for the
// items just before it in list order (the newer page) instead of after it.
// Clients see it only as an opaque string.
type Cursor struct {
	At     time.Time
	ID     int64
	Before bool
}

// String encodes c as URL-safe base64 of "a|b.ID.UNIXNANO".
func (c Cursor) String() string {
	dir := "a"
	if c.Before {
		dir = "b"
	}
	var ns int64
	if !c.At.IsZero() {
		ns = c.At.UnixNano()
	}
	s := dir + "." + strconv.FormatInt(c.ID, 10) + "." + strconv.FormatInt(ns, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// ParseCursor decodes a cursor made by String. An empty string is the
// zero Cursor and no error; anything malformed is apperr.Invalid.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	bad := apperr.New(apperr.Invalid, "That page link is not valid.")
	if len(s) > 64 {
		return Cursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != "a" && parts[0] != "b" {
		return Cursor{}, bad
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	ns, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return Cursor{}, bad
	}
	c := Cursor{ID: id, Before: parts[0] == "b"}
	if ns != 0 {
		c.At = time.Unix(0, ns).UTC()
	}
	return c, nil
}

// IsZero reports whether c is the start of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// After returns the cursor for the page following p in list order.
func After(p *Post) Cursor { return Cursor{At: p.PublishedAt, ID: p.ID} }

// BeforeOf returns the cursor for the page preceding p in list order.
func BeforeOf(p *Post) Cursor { return Cursor{At: p.PublishedAt, ID: p.ID, Before: true} }
