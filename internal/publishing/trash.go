package publishing

import (
	"context"
	"errors"
	"time"

	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/store"
)

// emptyTrashBatch is how many posts EmptyTrash looks up at a time.
const emptyTrashBatch = 100

// errNotDue marks a post that left the trash, or went back in, since
// EmptyTrash looked it up: it stays.
var errNotDue = errors.New("publishing: no longer due to leave the trash")

// EmptyTrash deletes for good the posts and pages that have been in the
// trash for longer than the site's TrashDays (0: never), each
// in its own transaction with an audit row made by Quire itself, as
// Delete would; the hourly housekeeping calls it on one node. It returns
// how many went.
func (s *Service) EmptyTrash(ctx context.Context) (int, error) {
	st, err := store.SiteSettings(ctx, s.Store.Pool)
	if err != nil || st.TrashDays <= 0 {
		return 0, err
	}
	before := s.now().Add(-time.Duration(st.TrashDays) * 24 * time.Hour)
	n := 0
	for {
		ids, err := store.TrashedBefore(ctx, s.Store.Pool, before, emptyTrashBatch)
		if err != nil {
			return n, err
		}
		deleted := 0
		for _, id := range ids {
			p, err := store.DeletePost(ctx, s.Store.Pool, 0, id, func(stored *post.Post) error {
				if stored.Status != post.Trashed || !stored.TrashedAt.Before(before) {
					return errNotDue
				}
				return nil
			})
			switch {
			case errors.Is(err, errNotDue) || errors.Is(err, apperr.ErrNotFound):
				continue // restored or deleted meanwhile
			case err != nil:
				return n, err
			}
			s.pageChanged(p)
			n, deleted = n+1, deleted+1
		}
		if len(ids) < emptyTrashBatch || deleted == 0 {
			return n, nil
		}
	}
}
