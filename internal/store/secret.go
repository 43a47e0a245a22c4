package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
)

// SecretKey returns the site's signing key, creating it on first use. It
// lives in the settings table so every node signs and verifies alike.
func SecretKey(ctx context.Context, db DB) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	fresh := base64.StdEncoding.EncodeToString(b)
	if _, err := db.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('secret_key', to_jsonb($1::text))
		ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, err
	}
	var s string
	if err := GetSetting(ctx, db, "secret_key", &s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}
