package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/media/mediatype"
)

// Media is an uploaded image's row: its stored files and what people wrote
// about it.
type Media struct {
	ID           int64
	UploaderID   int64
	Uploader     string // username, filled by reads
	Hash         string // starts every file name; what usage searches for
	Name         string // the re-encoded original
	ContentType  string
	Source       mediatype.Format // what was uploaded
	OriginalName string           // the uploaded file's name, for people only
	Width        int
	Height       int
	Bytes        int64
	Variants     []mediatype.Variant // by increasing width
	Alt          string
	Caption      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Image is m as the snippet builder sees it.
func (m *Media) Image() mediatype.Image {
	return mediatype.Image{
		Original: mediatype.Variant{Name: m.Name, Width: m.Width, Height: m.Height, Bytes: m.Bytes},
		Variants: m.Variants, Alt: m.Alt, Caption: m.Caption,
	}
}

// Files lists every stored file name of m, the original first.
func (m *Media) Files() []string {
	out := []string{m.Name}
	for _, v := range m.Variants {
		out = append(out, v.Name)
	}
	return out
}

const mediaCols = `m.id, m.uploader_id, u.username, m.hash, m.name, m.content_type, m.source_format, m.original_name,
	m.width, m.height, m.bytes, m.variants, m.alt, m.caption, m.created_at, m.updated_at`

func scanMedia(row pgx.CollectableRow) (*Media, error) {
	var m Media
	err := row.Scan(&m.ID, &m.UploaderID, &m.Uploader, &m.Hash, &m.Name, &m.ContentType, &m.Source, &m.OriginalName,
		&m.Width, &m.Height, &m.Bytes, &m.Variants, &m.Alt, &m.Caption, &m.CreatedAt, &m.UpdatedAt)
	return &m, err
}

// CreateMedia inserts m and sets its ID and times.
func CreateMedia(ctx context.Context, db DB, m *Media) error {
	if m.Variants == nil {
		m.Variants = []mediatype.Variant{}
	}
	return db.QueryRow(ctx, `INSERT INTO media (uploader_id, hash, name, content_type, source_format, original_name,
		width, height, bytes, variants, alt, caption) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
		RETURNING id, created_at, updated_at`,
		m.UploaderID, m.Hash, m.Name, m.ContentType, m.Source, m.OriginalName, m.Width, m.Height, m.Bytes, m.Variants,
		m.Alt, m.Caption).Scan(&m.ID, &m.CreatedAt, &m.UpdatedAt)
}

// MediaByID returns one image. Errors: apperr.ErrNotFound.
func MediaByID(ctx context.Context, db DB, id int64) (*Media, error) {
	rows, err := db.Query(ctx, `SELECT `+mediaCols+` FROM media m JOIN users u ON u.id = m.uploader_id WHERE m.id = $1`, id)
	if err != nil {
		return nil, err
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMedia)
	return m, notFound(err)
}

// MediaFilter selects a page of the library.
type MediaFilter struct {
	UploaderID int64 // 0: everyone's
	Before     int64 // ids below this (0: from the newest)
	Limit      int
	Unused     bool // only images no post (out of the trash) shows
	// Search narrows to images whose alt text, caption or file name
	// contains it ("" = every image).
	Search string
}

// MediaList returns the images f selects, newest first.
func MediaList(ctx context.Context, db DB, f MediaFilter) ([]*Media, error) {
	rows, err := db.Query(ctx, `SELECT `+mediaCols+` FROM media m JOIN users u ON u.id = m.uploader_id
		WHERE ($1 = 0 OR m.uploader_id = $1) AND ($2 = 0 OR m.id < $2)
		AND (NOT $4 OR NOT EXISTS (SELECT 1 FROM posts p
			WHERE media_hashes(p.body_html) && ARRAY[m.hash] AND p.status <> 'trashed'))
		AND ($5 = '' OR m.alt ILIKE $6 OR m.caption ILIKE $6 OR m.original_name ILIKE $6)
		ORDER BY m.id DESC LIMIT $3`, f.UploaderID, f.Before, f.Limit, f.Unused, f.Search, containsPattern(f.Search))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanMedia)
}

// UpdateMediaText sets an image's alt text and caption.
// Errors: apperr.ErrNotFound.
func UpdateMediaText(ctx context.Context, db DB, id int64, alt, caption string) error {
	tag, err := db.Exec(ctx, `UPDATE media SET alt = $2, caption = $3, updated_at = now() WHERE id = $1`, id, alt, caption)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound(pgx.ErrNoRows)
	}
	return err
}

// DeleteMedia deletes the row and reports whether another row still has
// the same hash (the same picture uploaded again), in which case the files
// must stay. Errors: apperr.ErrNotFound.
func DeleteMedia(ctx context.Context, db DB, id int64) (shared bool, err error) {
	var hash string
	if err := db.QueryRow(ctx, `DELETE FROM media WHERE id = $1 RETURNING hash`, id).Scan(&hash); err != nil {
		return false, notFound(err)
	}
	return MediaHashHeld(ctx, db, hash)
}

// MediaHashHeld reports whether a row holds the picture with hash.
func MediaHashHeld(ctx context.Context, db DB, hash string) (bool, error) {
	var held bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM media WHERE hash = $1)`, hash).Scan(&held)
	return held, err
}

// MediaUse is a post whose body shows an image.
type MediaUse struct {
	PostID   int64
	AuthorID int64
	Title    string
	Slug     string
	Kind     string
	Status   string
}

// MediaUsage finds, for each hash, the posts (not in the trash) whose body
// HTML shows it, through the posts_media_idx index on media_hashes(body_html)
// (migration 00004).
func MediaUsage(ctx context.Context, db DB, hashes []string) (map[string][]MediaUse, error) {
	out := map[string][]MediaUse{}
	if len(hashes) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT h, p.id, p.author_id, p.title, p.slug, p.kind, p.status
		FROM posts p CROSS JOIN LATERAL unnest(media_hashes(p.body_html)) AS h
		WHERE media_hashes(p.body_html) && $1::text[] AND h = ANY ($1::text[]) AND p.status <> 'trashed'
		ORDER BY h, p.id DESC`, hashes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var u MediaUse
		if err := rows.Scan(&h, &u.PostID, &u.AuthorID, &u.Title, &u.Slug, &u.Kind, &u.Status); err != nil {
			return nil, err
		}
		out[h] = append(out[h], u)
	}
	return out, rows.Err()
}
