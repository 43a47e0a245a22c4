package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"quire/internal/apperr"
	"quire/internal/post"
)

// TermUse is a term with the number of posts and pages out of the trash
// that carry it, drafts included: what the editors' list of terms shows.
type TermUse struct {
	post.Term
	Posts int
}

// TermsAfter is one page of TermsInUse: at most Limit terms (0: all of
// them) after the one with ID and Name in the list's order (ID 0: from
// the start).
type TermsAfter struct {
	ID    int64
	Name  string
	Limit int
}

// TermsInUse lists the terms of kind page selects, by name, with their
// posts out of the trash (an unused term shows 0). An editors' page: one
// pass over post_terms, not a public query.
func TermsInUse(ctx context.Context, db DB, kind post.TermKind, page TermsAfter) ([]TermUse, error) {
	// The counts in one aggregate over post_terms: a count per term would
	// scan it once per term (its key leads with the post).
	rows, err := db.Query(ctx, `SELECT t.id, t.kind, t.slug, t.name, coalesce(c.n, 0)
		FROM terms t LEFT JOIN (SELECT pt.term_id, count(*) AS n FROM post_terms pt JOIN posts p ON p.id = pt.post_id
			WHERE p.status <> 'trashed' GROUP BY pt.term_id) c ON c.term_id = t.id
		WHERE t.kind = $1 AND ($2::bigint = 0 OR (lower(t.name), t.id) > (lower($3::text), $2::bigint))
		ORDER BY lower(t.name), t.id LIMIT nullif($4::int, 0)`, kind, page.ID, page.Name, page.Limit)
	if err != nil {
		return nil, err
	}
	var out []TermUse
	var u TermUse
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Kind, &u.Slug, &u.Name, &u.Posts}, func() error {
		out = append(out, u)
		return nil
	})
	return out, err
}

// termLabel is how the audit log names a term: its name and address.
func termLabel(t post.Term) string { return fmt.Sprintf("%s (%s)", t.Name, t.Slug) }

// lockTerm reads and locks term id. Errors: apperr.ErrNotFound.
func lockTerm(ctx context.Context, tx pgx.Tx, id int64) (post.Term, error) {
	var t post.Term
	err := tx.QueryRow(ctx, `SELECT id, kind, slug, name FROM terms WHERE id = $1 FOR UPDATE`, id).
		Scan(&t.ID, &t.Kind, &t.Slug, &t.Name)
	return t, notFound(err)
}

// RenameTerm gives term id name and slug, audited as actorID's, in one
// transaction. Errors: apperr.ErrNotFound; apperr.Conflict when another
// term of its kind has slug (MergeTerm folds one into the other).
func RenameTerm(ctx context.Context, s *Store, actorID, id int64, name, slug string) (post.Term, error) {
	var out post.Term
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		t, err := lockTerm(ctx, tx, id)
		if err != nil {
			return err
		}
		out = post.Term{ID: t.ID, Kind: t.Kind, Slug: slug, Name: name}
		if out == t {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE terms SET name = $2, slug = $3 WHERE id = $1`, id, name, slug); err != nil {
			if isUnique(err, "") {
				return &apperr.Error{Code: apperr.Conflict, Message: "Another " + string(t.Kind) +
					" already has that address; merge this one into it instead.",
					Fields: map[string]string{"slug": "In use by another " + string(t.Kind) + "."}}
			}
			return err
		}
		return Audit(ctx, tx, actorID, "term.rename", string(t.Kind), id, termLabel(t), termLabel(out))
	})
	return out, err
}

// MergeTerm moves every post of term id onto term into (of the same
// kind) and deletes id, audited as actorID's; it returns how many posts
// gained into. Errors: apperr.ErrNotFound; apperr.Invalid for a term of
// another kind or itself.
func MergeTerm(ctx context.Context, s *Store, actorID, id, into int64) (int64, error) {
	var moved int64
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		// Both rows locked in id order: two merges of the same pair in
		// opposite directions wait for each other instead of deadlocking.
		first, second := min(id, into), max(id, into)
		a, err := lockTerm(ctx, tx, first)
		if err != nil {
			return err
		}
		b, err := lockTerm(ctx, tx, second)
		if err != nil {
			return err
		}
		from, to := a, b
		if from.ID != id {
			from, to = b, a
		}
		if id == into || from.Kind != to.Kind {
			return apperr.New(apperr.Invalid, "Merge a %s into another %s.", from.Kind, from.Kind)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO post_terms (post_id, term_id)
			SELECT post_id, $2 FROM post_terms WHERE term_id = $1 ON CONFLICT DO NOTHING`, id, into)
		if err != nil {
			return err
		}
		moved = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `DELETE FROM terms WHERE id = $1`, id); err != nil {
			return err
		}
		return Audit(ctx, tx, actorID, "term.merge", string(from.Kind), into, termLabel(from), termLabel(to))
	})
	return moved, err
}

// DeleteTerm deletes term id, which its posts then no longer carry,
// audited as actorID's. Errors: apperr.ErrNotFound.
func DeleteTerm(ctx context.Context, s *Store, actorID, id int64) (post.Term, error) {
	var t post.Term
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if t, err = lockTerm(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM terms WHERE id = $1`, id); err != nil {
			return err
		}
		return Audit(ctx, tx, actorID, "term.delete", string(t.Kind), id, termLabel(t), "deleted")
	})
	return t, err
}

// TagPost gives post id the term t (created when it does not exist yet;
// an existing term keeps its name) or, with add false, takes it off, in
// one transaction with an audit row as actorID; check sees the post as
// stored, locked, first and may refuse. It returns the term as stored (t
// itself when there is none to take off) and whether the post changed.
// Errors: apperr.ErrNotFound; apperr.Invalid when the post would carry
// more than post.MaxTerms; check's.
func TagPost(ctx context.Context, s *Store, actorID, id int64, t post.Term, add bool, check func(*post.Post) error) (post.Term, bool, error) {
	changed := false
	err := s.Transact(ctx, func(tx pgx.Tx) error {
		p, err := onePost(ctx, tx, `p.id = $1 FOR UPDATE OF p`, id)
		if err != nil {
			return err
		}
		if err := check(p); err != nil {
			return err
		}
		var tag pgconn.CommandTag
		if add {
			if len(p.Tags)+len(p.Categories) >= post.MaxTerms {
				return apperr.New(apperr.Invalid, "A post carries at most %d tags and categories.", post.MaxTerms)
			}
			if err := tx.QueryRow(ctx, `INSERT INTO terms (kind, slug, name) VALUES ($1, $2, $3)
				ON CONFLICT (kind, slug) DO UPDATE SET name = terms.name RETURNING id, name`, t.Kind, t.Slug, t.Name).Scan(&t.ID, &t.Name); err != nil {
				return err
			}
			tag, err = tx.Exec(ctx, `INSERT INTO post_terms (post_id, term_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, t.ID)
		} else {
			err = tx.QueryRow(ctx, `SELECT id, name FROM terms WHERE kind = $1 AND slug = $2`, t.Kind, t.Slug).Scan(&t.ID, &t.Name)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil // no such term: nothing to take off
			}
			if err != nil {
				return err
			}
			tag, err = tx.Exec(ctx, `DELETE FROM post_terms WHERE post_id = $1 AND term_id = $2`, id, t.ID)
		}
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		changed = true
		verb := map[bool]string{true: "added", false: "removed"}[add]
		return Audit(ctx, tx, actorID, "post.terms", string(p.Kind), id, "", fmt.Sprintf("%s %s %s", verb, t.Kind, termLabel(t)))
	})
	return t, changed, err
}
