// Package signed makes and checks short HMAC tokens for things Quire hands
// to browsers and mailboxes without storing them: the time a comment form
// was served, a guest's right to edit their comment, one-click unsubscribe
// and reply-notification confirmation links. Each token names its purpose,
// so one kind can never be replayed as another.
package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Key signs tokens. Every node must use the same key (it is kept in the
// settings table), so a token made by one node verifies on another.
type Key []byte

// Sign returns parts joined by "." followed by the MAC of purpose and parts.
// Parts must not contain ".".
func (k Key) Sign(purpose string, parts ...string) string {
	msg := strings.Join(parts, ".")
	return msg + "." + k.mac(purpose, msg)
}

// Verify checks token for purpose and returns its parts.
func (k Key) Verify(purpose, token string) ([]string, bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || len(k) == 0 {
		return nil, false
	}
	msg, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(k.mac(purpose, msg))) {
		return nil, false
	}
	return strings.Split(msg, "."), true
}

func (k Key) mac(purpose, msg string) string {
	h := hmac.New(sha256.New, k)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:20])
}

// Stamp returns a token for purpose holding the time now, to the
// millisecond, and scope (the post or page whose form it is): forms carry
// one so that the moderation rules can tell how long a visitor took.
func (k Key) Stamp(purpose string, now time.Time, scope ...string) string {
	return k.Sign(purpose, append([]string{strconv.FormatInt(now.UnixMilli(), 10)}, scope...)...)
}

// Since returns how long before now the Stamp token tok was made for
// purpose and scope. A missing or forged token, or one of another scope,
// counts as sent instantly (-1ns): too fast, so held rather than refused,
// and a bot that skips the page gains nothing. It is never 0, which the
// moderation rules read as "unknown".
func (k Key) Since(purpose, tok string, now time.Time, scope ...string) time.Duration {
	const instantly = -time.Nanosecond
	parts, ok := k.Verify(purpose, tok)
	if !ok || !slices.Equal(parts[1:], scope) {
		return instantly
	}
	ms, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return instantly
	}
	if d := now.Sub(time.UnixMilli(ms)); d != 0 {
		return d
	}
	return instantly
}
