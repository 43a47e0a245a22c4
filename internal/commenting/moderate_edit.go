package commenting

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/store"
)

// Correction is what a moderator may change in a comment: the name and
// website shown with it and its text (Markdown, sanitised on save). The
// e-mail address, the time and the place in the thread stay the writer's.
type Correction struct {
	Name, Website, Body string
}

// Correct saves a moderator's correction of comment id, whatever its
// status (a link taken out of a held comment before approving it, a slur
// out of an approved one), audited with what it said before. Its status
// does not change. Linkbacks quote other pages and are not edited.
// Errors: apperr.Forbidden, apperr.Invalid with fields author_name,
// author_url and body, apperr.ErrNotFound.
func (s *Service) Correct(ctx context.Context, actor *account.User, id int64, c Correction) error {
	if !account.Can(actor, account.Moderate, account.Site) {
		return apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	st, _, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	d := comment.Draft{AuthorName: c.Name, AuthorURL: c.Website, Body: c.Body}
	html, err := s.checkChange(st, &d)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		old, err := store.CommentByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Kind != comment.KindComment {
			return apperr.New(apperr.Invalid, "Pingbacks and webmentions quote another site's page; they cannot be edited.")
		}
		before := correctionText(old.AuthorName, old.AuthorURL, old.BodySource)
		after := correctionText(d.AuthorName, d.AuthorURL, d.Body)
		if before == after {
			return nil
		}
		if err := store.CorrectComment(ctx, tx, id, d.AuthorName, d.AuthorURL, d.Body, html); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actor.ID, "comment.edit", string(old.Kind), id, before, after)
	})
}

// auditTextRunes caps each side of an edit in the audit log: enough to
// see what changed in a comment, not a second copy of a long one.
const auditTextRunes = 300

// correctionText is a comment's correctable parts on one line, for the
// audit log: "Name <website>: text".
func correctionText(name, website, body string) string {
	s := name
	if s == "" {
		s = comment.AnonymousName
	}
	if website != "" {
		s += " <" + website + ">"
	}
	s += ": " + strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(s) > auditTextRunes {
		s = string([]rune(s)[:auditTextRunes-1]) + "…"
	}
	return s
}
