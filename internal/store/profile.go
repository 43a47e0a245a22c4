package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
)

// AuthorByUsername returns the enabled user with username
// (case-insensitive) for an author page. Returns apperr.ErrNotFound.
func AuthorByUsername(ctx context.Context, db DB, username string) (*account.User, error) {
	return scanUser(db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(username) = lower($1) AND NOT disabled`, username))
}

// UpdateProfile saves userID's profile as actorID; bioHTML is the rendered,
// sanitised bio. Returns apperr.ErrNotFound.
func UpdateProfile(ctx context.Context, db DB, actorID, userID int64, p post.Profile, bioHTML string) error {
	tag, err := db.Exec(ctx, `UPDATE users SET display_name = $2, bio_source = $3, bio_html = $4, location = $5,
		website = $6, avatar_url = $7, updated_at = now() WHERE id = $1`,
		userID, p.DisplayName, p.BioSource, bioHTML, p.Location, p.Website, p.AvatarURL)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return Audit(ctx, db, actorID, "profile.update", "user", userID, "", "")
}

// publicAuthorsSQL finds authors with a public post through
// posts_public_author_idx, one probe per user.
const publicAuthorsSQL = `SELECT u.username FROM users u
	WHERE NOT u.disabled AND EXISTS (SELECT 1 FROM posts p WHERE p.author_id = u.id AND ` + publicWhere + `)
	ORDER BY lower(u.username)`

// PublicAuthors lists the usernames of enabled users with a public post,
// for the sitemap.
func PublicAuthors(ctx context.Context, db DB) ([]string, error) {
	rows, err := db.Query(ctx, publicAuthorsSQL)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
