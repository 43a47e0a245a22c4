package store

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"

	"quire/internal/post"
)

// setTerms makes p's tags and categories exactly its terms, creating the
// terms that do not exist yet, and fills their ids. An existing term keeps
// its name: "golang" written as "GoLang" is the same tag.
func setTerms(ctx context.Context, db DB, p *post.Post) error {
	all := make([]post.Term, 0, len(p.Tags)+len(p.Categories))
	all = append(append(all, p.Tags...), p.Categories...)
	// Upsert in one order so that concurrent saves cannot deadlock.
	sort.Slice(all, func(i, j int) bool {
		if all[i].Kind != all[j].Kind {
			return all[i].Kind < all[j].Kind
		}
		return all[i].Slug < all[j].Slug
	})
	kinds, slugs, names := make([]string, len(all)), make([]string, len(all)), make([]string, len(all))
	for i, t := range all {
		kinds[i], slugs[i], names[i] = string(t.Kind), t.Slug, t.Name
	}
	byKey := map[[2]string]post.Term{}
	if len(all) > 0 {
		rows, err := db.Query(ctx, `INSERT INTO terms (kind, slug, name)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
			ON CONFLICT (kind, slug) DO UPDATE SET name = terms.name
			RETURNING id, kind, slug, name`, kinds, slugs, names)
		if err != nil {
			return err
		}
		got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[post.Term])
		if err != nil {
			return err
		}
		for _, t := range got {
			byKey[[2]string{string(t.Kind), t.Slug}] = t
		}
	}
	ids := make([]int64, 0, len(byKey))
	for _, ts := range [][]post.Term{p.Tags, p.Categories} {
		for i, t := range ts {
			ts[i] = byKey[[2]string{string(t.Kind), t.Slug}]
			ids = append(ids, ts[i].ID)
		}
	}
	if _, err := db.Exec(ctx, `DELETE FROM post_terms WHERE post_id = $1 AND term_id <> ALL($2)`, p.ID, ids); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `INSERT INTO post_terms (post_id, term_id) SELECT $1, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, p.ID, ids)
	return err
}

// loadTerms fills the tags and categories of posts in one query.
func loadTerms(ctx context.Context, db DB, posts []*post.Post) error {
	if len(posts) == 0 {
		return nil
	}
	ids := make([]int64, len(posts))
	byID := make(map[int64]*post.Post, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
		byID[p.ID] = p
		p.Tags, p.Categories = nil, nil
	}
	rows, err := db.Query(ctx, `SELECT pt.post_id, t.id, t.kind, t.slug, t.name
		FROM post_terms pt JOIN terms t ON t.id = pt.term_id
		WHERE pt.post_id = ANY($1) ORDER BY lower(t.name), t.id`, ids)
	if err != nil {
		return err
	}
	var postID int64
	var t post.Term
	_, err = pgx.ForEachRow(rows, []any{&postID, &t.ID, &t.Kind, &t.Slug, &t.Name}, func() error {
		p := byID[postID]
		if t.Kind == post.Category {
			p.Categories = append(p.Categories, t)
		} else {
			p.Tags = append(p.Tags, t)
		}
		return nil
	})
	return err
}

// TermBySlug returns the tag or category with slug. Returns
// apperr.ErrNotFound.
func TermBySlug(ctx context.Context, db DB, kind post.TermKind, slug string) (post.Term, error) {
	var t post.Term
	err := db.QueryRow(ctx, `SELECT id, kind, slug, name FROM terms WHERE kind = $1 AND slug = $2`, kind, slug).
		Scan(&t.ID, &t.Kind, &t.Slug, &t.Name)
	return t, notFound(err)
}

// TermCount is a term with the number of public posts carrying it.
type TermCount struct {
	post.Term
	Posts int
}

// termsSQL counts each term's public posts with a range scan of
// post_terms_public_idx per term, rather than a pass over all of post_terms.
const termsSQL = `SELECT t.id, t.kind, t.slug, t.name, c.n
	FROM terms t CROSS JOIN LATERAL (SELECT count(*) AS n FROM post_terms pt
		WHERE pt.term_id = t.id AND pt.listed AND pt.published_at <= now()) c
	WHERE t.kind = $1 AND c.n > 0 ORDER BY lower(t.name), t.id`

// Terms lists the terms of kind that public posts carry, by name, with
// how many public posts carry each.
func Terms(ctx context.Context, db DB, kind post.TermKind) ([]TermCount, error) {
	rows, err := db.Query(ctx, termsSQL, kind)
	if err != nil {
		return nil, err
	}
	var out []TermCount
	var c TermCount
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.Kind, &c.Slug, &c.Name, &c.Posts}, func() error {
		out = append(out, c)
		return nil
	})
	return out, err
}
