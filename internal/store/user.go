package store

import (
	"quire/internal/text"

	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
)

const userCols = `id, username, email, display_name, password_hash, role, bio_source, bio_html,
	location, website, avatar_url, disabled, created_at, updated_at, password_changed_at`

func scanUser(row pgx.Row) (*account.User, error) {
	var u account.User
	err := row.Scan(&u.ID, &u.Username, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Role, &u.BioSource, &u.BioHTML,
		&u.Location, &u.Website, &u.AvatarURL, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &u.PasswordChangedAt)
	if err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// CreateUser inserts u (ID and times are filled in). Returns apperr.Conflict
// when the username or e-mail is taken.
func CreateUser(ctx context.Context, db DB, u *account.User) error {
	u.DisplayName = text.CleanName(u.DisplayName) // every caller's names are stored clean
	err := db.QueryRow(ctx, `INSERT INTO users (username, email, display_name, password_hash, role, bio_source, bio_html, location, website, avatar_url)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, created_at, updated_at, password_changed_at`,
		u.Username, u.Email, u.DisplayName, u.PasswordHash, u.Role, u.BioSource, u.BioHTML, u.Location, u.Website, u.AvatarURL).
		Scan(&u.ID, &u.CreatedAt, &u.UpdatedAt, &u.PasswordChangedAt)
	switch {
	case isUnique(err, "users_username_key"):
		return apperr.FieldErrors("That username is taken.", map[string]string{"username": "That username is taken."})
	case isUnique(err, "users_email_key"):
		return apperr.FieldErrors("That e-mail address already has an account.", map[string]string{"email": "That e-mail address already has an account."})
	}
	return err
}

// UserByID returns the user with id, or apperr.ErrNotFound.
func UserByID(ctx context.Context, db DB, id int64) (*account.User, error) {
	return scanUser(db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

// UserByLogin returns the user whose username or e-mail is login
// (case-insensitive), or apperr.ErrNotFound.
func UserByLogin(ctx context.Context, db DB, login string) (*account.User, error) {
	login = strings.TrimSpace(login)
	if strings.Contains(login, "@") {
		return scanUser(db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(email) = lower($1)`, login))
	}
	return scanUser(db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(username) = lower($1)`, login))
}

// Users lists every user by username.
func Users(ctx context.Context, db DB) ([]*account.User, error) {
	rows, err := db.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY lower(username)`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*account.User, error) { return scanUser(r) })
}

// SetPassword stores a new hash, deletes the user's sessions and revokes
// their API tokens, so a password change signs out every other browser and
// every script.
func SetPassword(ctx context.Context, db DB, userID int64, hash string) error {
	tag, err := db.Exec(ctx, `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`, userID, hash)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	// Whoever knew the old password may have made sessions or API tokens
	// with it: a new password ends them all.
	if _, err = db.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err = db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	return err
}

// SetRole changes a user's role.
func SetRole(ctx context.Context, db DB, userID int64, role account.Role) error {
	tag, err := db.Exec(ctx, `UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, userID, role)
	if err == nil && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}

// SetDisabled disables or enables a user; disabling revokes sessions and tokens.
func SetDisabled(ctx context.Context, db DB, userID int64, disabled bool) error {
	tag, err := db.Exec(ctx, `UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1`, userID, disabled)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	if disabled {
		if _, err := db.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		_, err = db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	}
	return err
}

// CountAdmins returns the number of enabled admins, so the last one cannot
// be demoted or disabled.
func CountAdmins(ctx context.Context, db DB) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled`).Scan(&n)
	return n, err
}
