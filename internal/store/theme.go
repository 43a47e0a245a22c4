package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
)

// ThemeSetting is the settings key naming the active uploaded theme ("" or
// missing: the built-in theme).
const ThemeSetting = "theme"

// ThemeInfo is one uploaded theme, without its files.
type ThemeInfo struct {
	Name       string
	Files      int
	Bytes      int64
	UploadedBy string // username, "" when the account has gone
	UploadedAt time.Time
}

// InsertTheme stores a new theme's files (path → bytes), uploaded by
// actorID, in the caller's transaction. A theme of the same name is
// apperr.Invalid on the field "name": delete it first.
func InsertTheme(ctx context.Context, tx pgx.Tx, actorID int64, name string, files map[string][]byte) error {
	var total int64
	for _, b := range files {
		total += int64(len(b))
	}
	_, err := tx.Exec(ctx, `INSERT INTO themes (name, files, bytes, uploaded_by) VALUES ($1, $2, $3, $4)`,
		name, len(files), total, actorID)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return apperr.FieldErrors("A theme of that name exists.", map[string]string{"name": "A theme of that name exists; delete it first or choose another name."})
	}
	if err != nil {
		return err
	}
	for p, b := range files {
		sum := sha256.Sum256(b)
		if _, err := tx.Exec(ctx, `INSERT INTO theme_files (theme, path, body, sha256) VALUES ($1, $2, $3, $4)`,
			name, p, b, hex.EncodeToString(sum[:])); err != nil {
			return err
		}
	}
	return nil
}

// Themes lists the uploaded themes by name.
func Themes(ctx context.Context, db DB) ([]ThemeInfo, error) {
	rows, err := db.Query(ctx, `SELECT t.name, t.files, t.bytes, coalesce(u.username, ''), t.uploaded_at
		FROM themes t LEFT JOIN users u ON u.id = t.uploaded_by ORDER BY t.name LIMIT 200`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ThemeInfo, error) {
		var t ThemeInfo
		err := r.Scan(&t.Name, &t.Files, &t.Bytes, &t.UploadedBy, &t.UploadedAt)
		return t, err
	})
}

// ThemeFiles returns a theme's files (path → bytes), each checked against
// its stored sha256. A theme that does not exist is apperr.NotFound.
func ThemeFiles(ctx context.Context, db DB, name string) (map[string][]byte, error) {
	rows, err := db.Query(ctx, `SELECT path, body, sha256 FROM theme_files WHERE theme = $1`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var p, sum string
		var b []byte
		if err := rows.Scan(&p, &b, &sum); err != nil {
			return nil, err
		}
		got := sha256.Sum256(b)
		if hex.EncodeToString(got[:]) != sum {
			return nil, fmt.Errorf("theme %s: %s does not match its sha256", name, p)
		}
		out[p] = b
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.NotFound, "No such theme.")
	}
	return out, nil
}

// ActiveTheme names the active uploaded theme, "" for the built-in one.
func ActiveTheme(ctx context.Context, db DB) (string, error) {
	var name string
	err := GetSetting(ctx, db, ThemeSetting, &name)
	return name, err
}

// LockTheme locks the uploaded theme name until the transaction ends:
// shared (FOR SHARE: an activation, which a concurrent delete must not pull
// the theme from under) or exclusive (FOR UPDATE: a delete). A theme that
// does not exist is apperr.NotFound.
func LockTheme(ctx context.Context, tx pgx.Tx, name string, exclusive bool) error {
	q := `SELECT true FROM themes WHERE name = $1 FOR SHARE`
	if exclusive {
		q = `SELECT true FROM themes WHERE name = $1 FOR UPDATE`
	}
	var ok bool
	err := tx.QueryRow(ctx, q, name).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.New(apperr.NotFound, "No such theme.")
	}
	return err
}

// SetActiveTheme makes name (or "" for the built-in theme) the active
// theme. The settings trigger (migration 00016) publishes settings:theme in
// the caller's transaction, so every node reloads when, and only when, it
// commits.
func SetActiveTheme(ctx context.Context, db DB, name string) error {
	return PutSetting(ctx, db, ThemeSetting, name)
}

// DeleteThemeRow removes an uploaded theme and its files.
func DeleteThemeRow(ctx context.Context, db DB, name string) error {
	_, err := db.Exec(ctx, `DELETE FROM themes WHERE name = $1`, name)
	return err
}
