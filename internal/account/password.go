package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns a PHC-format argon2id hash of p.
func HashPassword(p string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether p matches hash. An empty hash (an imported
// author with no password yet) never matches.
func CheckPassword(hash, p string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || m > 1<<20 || t > 16 || th == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, th, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyCheck spends the same time as CheckPassword, so a sign-in for an
// unknown user takes as long as one with a wrong password.
func DummyCheck(p string) {
	argon2.IDKey([]byte(p), make([]byte, 16), argonTime, argonMemory, argonThreads, argonKeyLen)
}

// tokenPrefix marks Quire API tokens so secret scanners can find them.
const tokenPrefix = "quire_"

// NewToken returns a fresh API token and the hash that the store keeps.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, TokenHash(token), nil
}

// TokenHash is the stored form of a token (or session id): its SHA-256.
// Tokens are 256 random bits, so a fast hash is enough.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ErrBadToken is returned for a token not in Quire's format.
var ErrBadToken = errors.New("not a Quire API token")

// CheckTokenFormat rejects strings that cannot be tokens before any lookup.
func CheckTokenFormat(t string) error {
	if !strings.HasPrefix(t, tokenPrefix) || len(t) != len(tokenPrefix)+43 {
		return ErrBadToken
	}
	return nil
}
