package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// ImportMedia is what an earlier import did with an image URL of a source
// (import_media): MediaID is the upload it became, Reason why it could not
// be copied. Both empty: the upload was deleted in Quire since.
type ImportMedia struct {
	MediaID int64
	Reason  string
}

// ImportedMedia returns the record of url for source; ok is false when the
// URL was never fetched.
func ImportedMedia(ctx context.Context, db DB, sourceID int64, url string) (m ImportMedia, ok bool, err error) {
	var id *int64
	err = db.QueryRow(ctx, `SELECT media_id, reason FROM import_media WHERE source_id = $1 AND url = $2`,
		sourceID, url).Scan(&id, &m.Reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if id != nil {
		m.MediaID = *id
	}
	return m, true, nil
}

// MapImportMedia records the outcome of fetching url for source: the
// upload it became (mediaID > 0) or why it failed. A later outcome
// replaces an earlier one.
func MapImportMedia(ctx context.Context, db DB, sourceID int64, url string, mediaID int64, reason string) error {
	var id *int64
	if mediaID > 0 {
		id = &mediaID
	}
	_, err := db.Exec(ctx, `INSERT INTO import_media (source_id, url, media_id, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source_id, url) DO UPDATE SET media_id = EXCLUDED.media_id, reason = EXCLUDED.reason`,
		sourceID, url, id, reason)
	return err
}
