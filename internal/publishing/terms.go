package publishing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// TermUse is a tag or category with its posts (drafts included).
type TermUse = store.TermUse

// Editors keep the tags and categories: who may edit every post may
// rename, merge and delete what every post carries.
func mayKeepTerms(u *account.User) error {
	if !account.Can(u, account.EditPost, account.Site) {
		return apperr.New(apperr.Forbidden, "Only editors and admins may change the tags and categories.")
	}
	return nil
}

// TermsAfter is a page of TermsInUse (store.TermsAfter).
type TermsAfter = store.TermsAfter

// TermsInUse lists the terms of kind by name, with their posts out of the
// trash: all of them, or the page that page selects. Errors:
// apperr.Forbidden.
func (s *Service) TermsInUse(ctx context.Context, u *account.User, kind post.TermKind, page TermsAfter) ([]TermUse, error) {
	if err := mayKeepTerms(u); err != nil {
		return nil, err
	}
	return store.TermsInUse(ctx, s.Store.Pool, kind, page)
}

// RenameTerm gives term id a new name and address: the slug as given
// (made from the name when empty), both checked as a post's terms are.
// A comma is refused, since the editor's field separates terms with it.
// Every page showing the term changes on every node (the terms' trigger).
// Errors: apperr.Invalid with field messages, apperr.Conflict for a slug
// in use, apperr.ErrNotFound, apperr.Forbidden.
func (s *Service) RenameTerm(ctx context.Context, u *account.User, id int64, name, slug string) (post.Term, error) {
	if err := mayKeepTerms(u); err != nil {
		return post.Term{}, err
	}
	t := post.NewTerm(post.Tag, name) // the kind is the stored one; only name and slug are checked here
	if slug = strings.TrimSpace(slug); slug != "" {
		t.Slug = post.Slugify(slug)
	}
	if strings.Contains(t.Name, ",") {
		return post.Term{}, apperr.FieldErrors("The name may not hold a comma: the editor separates tags with commas.",
			map[string]string{"name": "No commas."})
	}
	if err := t.Validate(); err != nil {
		return post.Term{}, apperr.FieldErrors(apperr.MessageOf(err), map[string]string{"name": apperr.MessageOf(err)})
	}
	return store.RenameTerm(ctx, s.Store, u.ID, id, t.Name, t.Slug)
}

// MergeTerm moves the posts of term id onto the term of kind at address
// into (a slug, as typed) and deletes id; it returns that term and how
// many posts gained it. Errors: apperr.Invalid with an "into" field
// message for an address no term of kind has, apperr.Invalid for another
// kind or itself, apperr.ErrNotFound, apperr.Forbidden.
func (s *Service) MergeTerm(ctx context.Context, u *account.User, id int64, kind post.TermKind, into string) (post.Term, int64, error) {
	if err := mayKeepTerms(u); err != nil {
		return post.Term{}, 0, err
	}
	slug := post.Slugify(strings.TrimSpace(into))
	t, err := store.TermBySlug(ctx, s.Store.Pool, kind, slug)
	if errors.Is(err, apperr.ErrNotFound) || slug == "" {
		return post.Term{}, 0, apperr.FieldErrors(fmt.Sprintf("No %s has the address “%s”.", kind, strings.TrimSpace(into)),
			map[string]string{"into": "Not found."})
	}
	if err != nil {
		return post.Term{}, 0, err
	}
	n, err := store.MergeTerm(ctx, s.Store, u.ID, id, t.ID)
	return t, n, err
}

// DeleteTerm deletes term id; its posts keep their other terms.
// Errors: apperr.ErrNotFound, apperr.Forbidden.
func (s *Service) DeleteTerm(ctx context.Context, u *account.User, id int64) (post.Term, error) {
	if err := mayKeepTerms(u); err != nil {
		return post.Term{}, err
	}
	return store.DeleteTerm(ctx, s.Store, u.ID, id)
}
