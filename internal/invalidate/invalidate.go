// Package invalidate tells every Quire node that something it may have
// cached has changed. Events travel through PostgreSQL LISTEN/NOTIFY on one
// channel, so no service besides the database is needed: a change published
// inside a transaction reaches every node when, and only when, it commits.
package invalidate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the one NOTIFY channel every node listens on.
const Channel = "quire_invalidate"

// Topics in use. TopicReset is never published by callers' changes: a bus
// delivers it itself whenever it (re)starts listening, because it cannot know
// what it missed while it was not. TopicThread ("thread:<post id>": a post's
// public thread may have changed), TopicPost ("post:<id>": a post's row
// changed, any column but its kept comment counts) and TopicSite ("site:"
// and a table: users or terms changed) are published by the triggers of
// migration 00013, TopicSettings and TopicNav by those of 00016.
const (
	TopicSettings = "settings"
	TopicNav      = "nav"
	TopicPost     = "post"
	TopicThread   = "thread"
	TopicSite     = "site"
	TopicReset    = "reset"
)

// maxPayload keeps a payload well under PostgreSQL's 8000-byte NOTIFY limit.
const maxPayload = 1000

// Event names what changed: a topic and, optionally, a key within it
// ({"post","42"}); an empty key means the whole topic.
type Event struct{ Topic, Key string }

// Execer is what Publish needs: a pgx transaction, connection or pool.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Publish queues ev for every node. Given a transaction, the notification is
// sent when it commits and never if it rolls back; identical events in one
// transaction are sent once.
func Publish(ctx context.Context, q Execer, topic, key string) error {
	if topic == "" || strings.ContainsRune(topic, ':') {
		return fmt.Errorf("invalidate: bad topic %q", topic)
	}
	payload := topic + ":" + key
	if len(payload) > maxPayload {
		return fmt.Errorf("invalidate: payload of %d bytes is too long", len(payload))
	}
	_, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, payload)
	return err
}

// parse splits a payload; one without a colon is a whole topic.
func parse(payload string) Event {
	topic, key, _ := strings.Cut(payload, ":")
	return Event{Topic: topic, Key: key}
}

// Bus receives events on one dedicated connection and hands each to every
// subscriber, in order, on Run's goroutine.
type Bus struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu   sync.Mutex
	subs []func(Event)

	listening chan struct{} // closed once the first LISTEN is in place
	once      sync.Once
	connected atomic.Bool  // LISTEN is in place now
	resets    atomic.Int64 // times LISTEN was (re)established

	// Backoff bounds between reconnection attempts.
	MinBackoff, MaxBackoff time.Duration
}

// New returns a bus that connects with pool's configuration; it holds its
// own connection, outside the pool, so it never takes a request's slot.
func New(pool *pgxpool.Pool, log *slog.Logger) *Bus {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bus{pool: pool, log: log, listening: make(chan struct{}),
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second}
}

// Subscribe adds fn; every subscriber gets every event. fn runs on Run's
// goroutine and must be quick (drop a cache entry, not rebuild it).
func (b *Bus) Subscribe(fn func(Event)) {
	b.mu.Lock()
	b.subs = append(b.subs, fn)
	b.mu.Unlock()
}

// Listening is closed once the bus first listens; tests wait on it.
func (b *Bus) Listening() <-chan struct{} { return b.listening }

// Connected reports whether the bus is listening now; while it is not,
// this node may serve what other nodes have changed (a metric to alert on).
func (b *Bus) Connected() bool { return b.connected.Load() }

// Resets counts the times the bus (re)started listening and so dropped
// every cache: once at start, then once per lost connection.
func (b *Bus) Resets() int64 { return b.resets.Load() }

func (b *Bus) deliver(ev Event) {
	b.mu.Lock()
	subs := slices.Clone(b.subs)
	b.mu.Unlock()
	for _, fn := range subs {
		fn(ev)
	}
}

// Run listens until ctx ends, then returns nil. When the connection is lost
// it reconnects with growing backoff; every time LISTEN is (re)established
// subscribers first get a reset event, since changes made while nobody
// listened are gone.
func (b *Bus) Run(ctx context.Context) error {
	wait := b.MinBackoff
	for {
		err := b.listen(ctx, func() { wait = b.MinBackoff })
		if ctx.Err() != nil {
			return nil
		}
		b.log.Warn("invalidation listener lost; reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, b.MaxBackoff)
	}
}

// listen holds one connection until it fails or ctx ends.
func (b *Bus) listen(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, b.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	connected()
	b.resets.Add(1)
	b.connected.Store(true)
	defer b.connected.Store(false)
	b.deliver(Event{Topic: TopicReset})
	b.once.Do(func() { close(b.listening) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		b.deliver(parse(n.Payload))
	}
}
