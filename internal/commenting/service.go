package commenting

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/batch"
	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/render"
	"quire/internal/signed"
	"quire/internal/store"
	"quire/internal/ttl"
)

// Service runs the comment workflow. Build one per process and share it.
type Service struct {
	Store  *store.Store
	Render *render.Renderer
	Jobs   jobargs.Enqueuer
	Key    signed.Key
	Now    func() time.Time
	// Mail writes the notifications (notify.go); BaseURL makes their
	// links absolute; Site names the blog in them (nil: none, and the
	// confirmation mail names BaseURL's host).
	Mail    *mail.Templates
	BaseURL *url.URL
	Site    func(ctx context.Context) string
	// Reader is where public pages read threads: the replica when there
	// is one, else the primary. Nil reads the primary.
	Reader func(ctx context.Context) store.DB
	// EventsStored, when set, is told (and not waited for) that the
	// comment form committed comment events (events.go): the job
	// queue's drainer, which otherwise looks for them every few seconds.
	EventsStored func()

	once  sync.Once
	cache *ttl.Value[loaded]
	batch batch.Lanes[*submitCall] // comments waiting to be stored together (submit_batch.go)
}

// loaded is one read of the settings with the moderation rules they
// describe.
type loaded struct {
	settings Settings
	rules    moderation.Settings
}

// settingsTTL bounds how stale a node's copy of the settings may be; a
// save on this node takes effect at once.
const settingsTTL = 10 * time.Second

// Settings returns the cached discussion settings and their moderation
// rules (the blocklist parsed once per change, not per comment).
func (s *Service) Settings(ctx context.Context) (Settings, moderation.Settings, error) {
	l, err := s.settingsCache().Get(ctx)
	if err != nil && l.settings == (Settings{}) {
		// Never loaded: callers that go on despite the error (the form's
		// limits) see the defaults.
		return DefaultSettings(), moderation.Settings{}, err
	}
	return l.settings, l.rules, err
}

// settingsCache is built on first use, so a Service can be a struct
// literal.
func (s *Service) settingsCache() *ttl.Value[loaded] {
	s.once.Do(func() { s.cache = ttl.New(settingsTTL, nil, s.loadSettings) })
	return s.cache
}

func (s *Service) loadSettings(ctx context.Context) (loaded, error) {
	st, err := LoadSettings(ctx, s.Store.Pool)
	if err != nil {
		return loaded{}, err
	}
	rules, err := st.Rules()
	if err != nil {
		// A stored blocklist that no longer parses must not stop comments:
		// keep every other rule.
		st.Blocklist = ""
		rules, _ = st.Rules()
	}
	return loaded{st, rules}, nil
}

// Forget drops this node's copy of the settings, so the next call reads
// them again: another node (or this one) changed them.
func (s *Service) Forget() { s.settingsCache().Forget() }

// StoredSettings reads the settings afresh, not from this node's copy: for
// the settings form, which must show what another node saved.
func (s *Service) StoredSettings(ctx context.Context) (Settings, error) {
	return LoadSettings(ctx, s.Store.Pool)
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
		s.Forget()
	}
	return err
}

// reader is the store for public reads (Reader, else the primary).
func (s *Service) reader(ctx context.Context) store.DB {
	if s.Reader != nil {
		return s.Reader(ctx)
	}
	return s.Store.Pool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// LoadKey returns the site's signing key (form times, guest edit cookies,
// mail links), made on first start and kept in the settings table so that
// every node signs alike.
func LoadKey(ctx context.Context, st *store.Store) (signed.Key, error) {
	return store.SecretKey(ctx, st.Pool)
}
