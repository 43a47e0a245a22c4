package publishing

import (
	"context"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// Bulk actions on the posts list.
const (
	BulkTrash   = "trash"   // move to the trash
	BulkRestore = "restore" // take out of the trash, as a draft
	BulkDelete  = "delete"  // delete for good, from the trash
)

// The bulk actions on a tag or category, named by TermAction.
const (
	BulkAddTag         = "add_tag"
	BulkRemoveTag      = "remove_tag"
	BulkAddCategory    = "add_category"
	BulkRemoveCategory = "remove_category"
)

// TermAction reads a bulk action on a tag or category: the kind of term
// and whether it is added; ok false for any other action.
func TermAction(action string) (kind post.TermKind, add, ok bool) {
	switch action {
	case BulkAddTag:
		return post.Tag, true, true
	case BulkRemoveTag:
		return post.Tag, false, true
	case BulkAddCategory:
		return post.Category, true, true
	case BulkRemoveCategory:
		return post.Category, false, true
	}
	return "", false, false
}

// MaxBulk is the most posts one bulk action takes (the list shows 25).
const MaxBulk = 100

// Refusal is a post a bulk action left as it was, and why.
type Refusal struct {
	ID     int64
	Reason string
}

// Bulk applies action (BulkTrash, BulkRestore or BulkDelete) to each post of ids,
// each in its own transaction with its own permission check, as the
// editor's buttons would. A post u may not change, or not this way
// (restoring one that is not in the trash), or that is gone, is a
// Refusal; any other error stops the rest. Errors: apperr.Invalid for an
// unknown action or too many posts.
func (s *Service) Bulk(ctx context.Context, u *account.User, ids []int64, action string) (done []*post.Post, refused []Refusal, err error) {
	var apply func(context.Context, *account.User, int64) (*post.Post, error)
	switch action {
	case BulkTrash:
		apply = s.Trash
	case BulkRestore:
		apply = s.Restore
	case BulkDelete:
		apply = s.Delete
	default:
		return nil, nil, apperr.New(apperr.Invalid, "action must be trash, restore, delete, add_tag, remove_tag, add_category or remove_category.")
	}
	if len(ids) > MaxBulk {
		return nil, nil, apperr.New(apperr.Invalid, "Select at most %d posts at once.", MaxBulk)
	}
	for _, id := range ids {
		p, err := apply(ctx, u, id)
		switch apperr.CodeOf(err) {
		case apperr.Forbidden, apperr.Invalid, apperr.NotFound, apperr.Conflict:
			refused = append(refused, Refusal{ID: id, Reason: apperr.MessageOf(err)})
			continue
		}
		if err != nil {
			return done, refused, err
		}
		done = append(done, p)
	}
	return done, refused, nil
}

// BulkTerm adds the tag or category of kind named name to each post of
// ids (creating it when new), or with add false takes it off, each post in
// its own transaction with its own permission check (who may edit it) and
// audit row. It returns the term and the posts that changed; a post that
// already had it (or lacked it) is neither. A post u may not edit, one
// that would carry too many terms, or one that is gone is a Refusal.
// Errors: apperr.Invalid for a bad name or too many posts.
func (s *Service) BulkTerm(ctx context.Context, u *account.User, ids []int64, kind post.TermKind, name string, add bool) (post.Term, []int64, []Refusal, error) {
	t := post.NewTerm(kind, name)
	if err := t.Validate(); err != nil {
		return t, nil, nil, err
	}
	if strings.Contains(t.Name, ",") {
		return t, nil, nil, apperr.New(apperr.Invalid, "A %s's name may not hold a comma: the editor separates them with commas.", kind)
	}
	if len(ids) > MaxBulk {
		return t, nil, nil, apperr.New(apperr.Invalid, "Select at most %d posts at once.", MaxBulk)
	}
	var changed []int64
	var refused []Refusal
	for _, id := range ids {
		stored, did, err := store.TagPost(ctx, s.Store, u.ID, id, t, add, func(p *post.Post) error {
			if !post.CanEdit(u, p) {
				return apperr.New(apperr.Forbidden, "You may not edit “%s”.", p.Title)
			}
			return nil
		})
		switch apperr.CodeOf(err) {
		case apperr.Forbidden, apperr.Invalid, apperr.NotFound:
			refused = append(refused, Refusal{ID: id, Reason: apperr.MessageOf(err)})
			continue
		}
		if err != nil {
			return t, changed, refused, err
		}
		t.Name = stored.Name // an existing term's name, as the flash says it
		if did {
			changed = append(changed, id)
		}
	}
	return t, changed, refused, nil
}
