package commenting

import (
	"context"

	"quire/internal/store"
)

// Seeded is a response as the command line loads it (the demo): its
// status, moderation reasons, date and place in the thread are the
// caller's.
type Seeded = store.NewComment

// Seed stores c as given and fills its ID, Path and CreatedAt (now,
// unless set). Nobody is notified and no job runs: the demo's readers
// and linking sites do not exist.
func (s *Service) Seed(ctx context.Context, c *Seeded) error {
	return store.CreateComment(ctx, s.Store.Pool, c)
}

// HasResponses reports whether post postID has any response, whatever
// its kind or status.
func (s *Service) HasResponses(ctx context.Context, postID int64) (bool, error) {
	return store.HasComments(ctx, s.Store.Pool, postID)
}
