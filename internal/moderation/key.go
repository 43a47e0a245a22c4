package moderation

import (
	"strconv"
	"strings"

	"quire/internal/apperr"
)

// Key names one item of the moderation queue: its kind and its id within
// that kind. Guest posts and comments live in different tables, so their
// ids collide (guest post 1 and comment 1 both exist); a key carries the
// kind so that an action can never reach an item of a kind the caller did
// not name. Written as one letter and the id: c12 (comment), p12
// (pingback), w12 (webmention), g12 (guest post).
type Key struct {
	Kind Kind
	ID   int64
}

var kindLetters = map[Kind]string{KindComment: "c", KindPingback: "p", KindWebmention: "w", KindGuestPost: "g"}

// String is the key as URLs, forms, the API and the audit log write it.
func (k Key) String() string { return kindLetters[k.Kind] + strconv.FormatInt(k.ID, 10) }

// ErrBadKey answers a key that names no item.
var ErrBadKey = apperr.New(apperr.NotFound, "There is no such queue item: a queue item is named like c12, p12, w12 or g12.")

// ParseKey reads a key written by Key.String. Errors: ErrBadKey.
func ParseKey(s string) (Key, error) {
	if len(s) < 2 || len(s) > 20 {
		return Key{}, ErrBadKey
	}
	for k, l := range kindLetters {
		if strings.HasPrefix(s, l) {
			id, err := strconv.ParseInt(s[1:], 10, 64)
			if err != nil || id <= 0 || s[1] == '+' {
				return Key{}, ErrBadKey
			}
			return Key{Kind: k, ID: id}, nil
		}
	}
	return Key{}, ErrBadKey
}

// Label is the kind in words, for people: "Guest post".
func (k Kind) Label() string {
	switch k {
	case KindComment:
		return "Comment"
	case KindPingback:
		return "Pingback"
	case KindWebmention:
		return "Webmention"
	case KindGuestPost:
		return "Guest post"
	case "post":
		return "Post"
	case "user":
		return "Account"
	}
	return strings.ToUpper(string(k[:min(1, len(k))])) + strings.ReplaceAll(string(k[min(1, len(k)):]), "_", " ")
}
