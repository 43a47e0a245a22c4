package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quire/internal/jobargs"
	"quire/internal/post"
)

// Pages are posts of kind page; this file holds what only pages have
// (migrations/00008_pages.sql): their place in the navigation and their
// template. A page with no page_settings row is out of the navigation and
// plain, which is how the WXR importer leaves the pages it creates.

// PageSettingsOf returns the settings of page postID (zero when it has none).
func PageSettingsOf(ctx context.Context, db DB, postID int64) (post.PageSettings, error) {
	var s post.PageSettings
	var order *int
	err := db.QueryRow(ctx, `SELECT nav_order, template FROM page_settings WHERE post_id = $1`, postID).Scan(&order, &s.Template)
	if err == pgx.ErrNoRows {
		return post.PageSettings{}, nil
	}
	if order != nil {
		s.InNav, s.NavOrder = true, *order
	}
	return s, err
}

// SavePageSettings stores s as the settings of page postID.
func SavePageSettings(ctx context.Context, db DB, postID int64, s post.PageSettings) error {
	var order *int
	if s.InNav {
		order = &s.NavOrder
	}
	_, err := db.Exec(ctx, `INSERT INTO page_settings (post_id, nav_order, template) VALUES ($1,$2,$3)
		ON CONFLICT (post_id) DO UPDATE SET nav_order = EXCLUDED.nav_order, template = EXCLUDED.template`,
		postID, order, s.Template)
	return err
}

// CreatePage is CreatePost for a page (p.Kind must be post.KindPage) with
// its settings, in one transaction. Errors as CreatePost's.
func CreatePage(ctx context.Context, db DB, q jobargs.Enqueuer, actorID int64, p *post.Post, s post.PageSettings) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		if err := CreatePost(ctx, tx, q, actorID, p); err != nil {
			return err
		}
		return SavePageSettings(ctx, tx, p.ID, s)
	})
}

// UpdatePage is UpdatePost for a page with its settings, in one
// transaction. Errors as UpdatePost's.
func UpdatePage(ctx context.Context, db DB, q jobargs.Enqueuer, actorID int64, p *post.Post, s post.PageSettings, check func(old *post.Post) error) error {
	return atomically(ctx, db, func(tx pgx.Tx) error {
		if err := UpdatePost(ctx, tx, q, actorID, p, check); err != nil {
			return err
		}
		return SavePageSettings(ctx, tx, p.ID, s)
	})
}

// NavLink is one page in the site navigation.
type NavLink struct {
	Title string
	Slug  string
}

// Path is the page's address.
func (l NavLink) Path() string { return "/" + l.Slug }

// NavPages lists the public pages in the navigation, in nav order.
func NavPages(ctx context.Context, db DB) ([]NavLink, error) {
	rows, err := db.Query(ctx, `SELECT p.title, p.slug FROM page_settings s JOIN posts p ON p.id = s.post_id
		WHERE s.nav_order IS NOT NULL AND p.kind = 'page' AND p.status IN ('published','scheduled') AND p.published_at <= now()
		ORDER BY s.nav_order, p.title, p.id LIMIT 20`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[NavLink])
}

// PageRow is a page in the editors' list, with its settings.
type PageRow struct {
	*post.Post
	Settings post.PageSettings
}

// ListPages returns every page, in the trash or not (a site has a
// handful), navigation pages first in nav order, then by title.
func ListPages(ctx context.Context, db DB) ([]PageRow, error) {
	rows, err := db.Query(ctx, `SELECT `+listCols+`, s.nav_order, coalesce(s.template, '') AS template
		FROM posts p JOIN users u ON u.id = p.author_id LEFT JOIN page_settings s ON s.post_id = p.id
		WHERE p.kind = 'page'
		ORDER BY s.nav_order NULLS LAST, p.title, p.id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	type row struct {
		postRow
		NavOrder *int
		Template string
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PageRow, error) {
		x, err := pgx.RowToStructByName[row](r)
		pr := PageRow{Post: x.post(), Settings: post.PageSettings{Template: post.Template(x.Template)}}
		if x.NavOrder != nil {
			pr.Settings.InNav, pr.Settings.NavOrder = true, *x.NavOrder
		}
		return pr, err
	})
}

// SitemapPages lists the public pages' slugs and last changes.
func SitemapPages(ctx context.Context, db DB) ([]SitemapEntry, error) {
	rows, err := db.Query(ctx, `SELECT p.slug, greatest(p.updated_at, p.published_at) FROM posts p
		WHERE p.kind = 'page' AND p.status IN ('published','scheduled') AND p.published_at <= now()
		ORDER BY p.slug LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SitemapEntry])
}
