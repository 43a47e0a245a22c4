package commenting

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/signed"
	"quire/internal/store"
)

// Enqueuer inserts a background job in a transaction (jobs.Queue).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error
}

// Service runs the comment workflow. Build one per process and share it.
type Service struct {
	Store  *store.Store
	Render *render.Renderer
	Jobs   Enqueuer
	Key    signed.Key
	Now    func() time.Time

	mu       sync.Mutex
	settings Settings
	rules    moderation.Settings
	loadedAt time.Time
}

// settingsTTL bounds how stale a node's copy of the settings may be; a
// save on this node takes effect at once.
const settingsTTL = 10 * time.Second

// Settings returns the cached discussion settings and their moderation
// rules (the blocklist parsed once per change, not per comment).
func (s *Service) Settings(ctx context.Context) (Settings, moderation.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loadedAt.IsZero() && time.Since(s.loadedAt) < settingsTTL {
		return s.settings, s.rules, nil
	}
	st, err := LoadSettings(ctx, s.Store.Pool)
	if err != nil {
		return st, moderation.Settings{}, err
	}
	rules, err := st.Rules()
	if err != nil {
		// A stored blocklist that no longer parses must not stop comments:
		// keep every other rule.
		st.Blocklist = ""
		rules, _ = st.Rules()
	}
	s.settings, s.rules, s.loadedAt = st, rules, time.Now()
	return st, rules, nil
}

// Forget drops this node's copy of the settings, so the next call reads
// them again: another node (or this one) changed them.
func (s *Service) Forget() {
	s.mu.Lock()
	s.loadedAt = time.Time{}
	s.mu.Unlock()
}

// SaveSettings validates and stores st; it returns apperr.Invalid with
// per-field messages.
func (s *Service) SaveSettings(ctx context.Context, actorID int64, st Settings) error {
	if f := st.Validate(); len(f) > 0 {
		return invalid(f)
	}
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := SaveSettings(ctx, tx, st); err != nil {
			return err
		}
		return store.Audit(ctx, tx, actorID, "settings.comments", "settings", 0, "", "saved")
	})
	if err == nil {
		s.mu.Lock()
		s.loadedAt = time.Time{}
		s.mu.Unlock()
	}
	return err
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
