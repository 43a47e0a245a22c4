package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/post"
)

// freeSlug returns the slug to store. A slug given by the writer must be
// free (or be the post's own); a derived one gets the first free suffix.
func freeSlug(ctx context.Context, db DB, kind post.Kind, given, title string, self int64) (string, error) {
	if kind == post.KindPage && post.ReservedSlug(given) {
		return "", post.ReservedError(given) // Pages: the root's routes come first
	}
	if given != "" {
		var taken bool
		err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE kind = $1 AND slug = $2 AND id <> $3)`,
			kind, given, self).Scan(&taken)
		if err != nil {
			return "", err
		}
		if taken {
			return "", slugTaken()
		}
		return given, nil
	}
	base := post.Slugify(title)
	if base == "" {
		base = string(kind)
	}
	if len(base) > post.MaxSlug-6 {
		base = strings.TrimRight(base[:post.MaxSlug-6], "-")
	}
	rows, err := db.Query(ctx, `SELECT slug FROM posts WHERE kind = $1 AND (slug = $2 OR slug LIKE $2 || '-%') AND id <> $3`,
		kind, base, self)
	if err != nil {
		return "", err
	}
	used, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	taken := make(map[string]bool, len(used))
	for _, s := range used {
		taken[s] = true
	}
	if kind == post.KindPage && post.ReservedSlug(base) {
		taken[base] = true // Pages: a page titled "Search" becomes /search-2
	}
	slug := base
	for n := 2; taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// moveSlug records from as an old slug of id and frees to, should it have
// been one.
func moveSlug(ctx context.Context, db DB, kind post.Kind, from, to string, id int64) error {
	if _, err := db.Exec(ctx, `DELETE FROM post_old_slugs WHERE kind = $1 AND slug = $2`, kind, to); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `INSERT INTO post_old_slugs (kind, slug, post_id) VALUES ($1,$2,$3)
		ON CONFLICT (kind, slug) DO UPDATE SET post_id = EXCLUDED.post_id, created_at = now()`, kind, from, id)
	return err
}

func slugTaken() error {
	return &apperr.Error{Code: apperr.Conflict, Message: "That slug is taken.",
		Fields: map[string]string{"slug": "Another post has this slug; choose another."}}
}

func slugConflict(err error) error {
	if isUnique(err, "posts_kind_slug_key") {
		return slugTaken()
	}
	if err != nil {
		return fmt.Errorf("saving post: %w", err)
	}
	return nil
}
