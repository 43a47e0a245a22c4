package commenting

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Purposes of the signed tokens of reply notifications: the mail job
// makes them, the server checks them.
const (
	PurposeUnsubscribe   = "unsubscribe"
	PurposeNotifyConfirm = "notify-confirm"
)

// NotifyToken is the confirmation token for email; the server stores its
// hash (TokenHash) and the link carries the token.
func NotifyToken(key interface {
	Sign(string, ...string) string
}, email string) string {
	return key.Sign(PurposeNotifyConfirm, base64.RawURLEncoding.EncodeToString([]byte(strings.ToLower(email))))
}

// TokenHash is what the database keeps of a confirmation token.
func TokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}
