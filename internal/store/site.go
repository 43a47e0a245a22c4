package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/site"
)

// SiteSettings returns the blog's settings, defaults filled in: the one
// place the stored "site" value is decoded. On an error the defaults come
// back with it.
func SiteSettings(ctx context.Context, db DB) (site.Settings, error) {
	s := site.Defaults()
	if err := GetSetting(ctx, db, site.Key, &s); err != nil {
		return s, err
	}
	s.Fill()
	return s, nil
}

// UpdateSiteSettings applies change to the stored settings in one
// transaction: it locks the row, validates the result (media ids must name
// images in the library), stores it and writes an audit entry for actorID
// (0: the command line). Nothing changes when change or validation fails.
// Errors: apperr.Invalid with per-field messages.
func UpdateSiteSettings(ctx context.Context, s *Store, actorID int64, change func(*site.Settings) error) (site.Settings, error) {
	var out site.Settings
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = UpdateSiteSettingsTx(ctx, tx, actorID, change)
		return err
	})
	return out, err
}

// UpdateSiteSettingsTx is UpdateSiteSettings inside the caller's
// transaction.
func UpdateSiteSettingsTx(ctx context.Context, tx pgx.Tx, actorID int64, change func(*site.Settings) error) (site.Settings, error) {
	var out site.Settings
	err := func() error {
		// Lock the row (when there is one) so concurrent changes apply one
		// after the other, then read it as every reader does.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM settings WHERE key = $1 FOR UPDATE`, site.Key); err != nil {
			return err
		}
		cur, err := SiteSettings(ctx, tx)
		if err != nil {
			return err
		}
		next := cur
		next.Social = append([]site.Link(nil), cur.Social...)
		if err := change(&next); err != nil {
			return err
		}
		if err := next.Validate(); err != nil {
			return err
		}
		for field, id := range map[string]int64{"logo_media_id": next.LogoMediaID, "favicon_media_id": next.FaviconMediaID} {
			if id == 0 {
				continue
			}
			if _, err := MediaByID(ctx, tx, id); errors.Is(err, apperr.ErrNotFound) {
				return apperr.FieldErrors("No image with that id in the media library.", map[string]string{field: "No such image."})
			} else if err != nil {
				return err
			}
		}
		if err := PutSetting(ctx, tx, site.Key, next); err != nil {
			return err
		}
		out = next
		before, after := changedFields(cur, next)
		return Audit(ctx, tx, actorID, "settings.site", "settings", 0, before, after)
	}()
	return out, err
}

// changedFields returns the JSON of the fields that differ between a and
// b, so the audit log shows what changed and not the whole value.
func changedFields(a, b site.Settings) (before, after string) {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	da, db := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range mb {
		if string(ma[k]) != string(v) {
			da[k], db[k] = ma[k], v
		}
	}
	for k, v := range ma {
		if _, ok := mb[k]; !ok {
			da[k] = v
		}
	}
	x, _ := json.Marshal(da)
	y, _ := json.Marshal(db)
	return string(x), string(y)
}

// HasAdmin reports whether any admin account exists, enabled or not.
func HasAdmin(ctx context.Context, db DB) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin')`).Scan(&ok)
	return ok, err
}
