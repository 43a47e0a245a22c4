package linkbacks

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// Requests arriving together are recorded together, in one transaction
// on one pool connection: one pipelined round trip takes the rate
// limits' locks and reads their target posts (each post once), one runs
// their statements (store.QueueAcceptLinkback), one inserts their jobs,
// one commits. A flood of pingbacks then costs a pool connection and a
// commit per batch rather than per request. Every request is still
// answered only after its row and its job are committed. At most
// acceptLanes batches run at once per node; the requests that arrive
// meanwhile wait in a queue for the next free lane. A lane is run by the
// goroutine of one of the waiting requests, which passes it on once its
// own request is answered.
const (
	acceptLanes      = 2
	maxAcceptBatch   = 64
	acceptBatchLimit = 10 * time.Second // a batch is not tied to its leader's request
)

// acceptBatcher queues the requests waiting for a batch. The zero value
// is ready to use.
type acceptBatcher struct {
	mu      sync.Mutex
	queue   []*acceptCall
	leaders int // lanes running, or handed to a waiting request
}

// acceptCall is one request's part in a batch: what Accept checked
// without the database, then the outcome.
type acceptCall struct {
	kind     string
	slug     string // of the target post (targetSlug)
	src, tgt *url.URL
	ip       string
	host     string // the source's, lower case
	lim      store.LinkbackLimits

	l      *Request // the request, once its target passed the checks
	v      store.LinkbackVerdict
	err    error         // a *Refusal, store.ErrLinkbackDuplicate, or a failure
	done   chan struct{} // closed once l, v and err are final
	turn   chan struct{} // closed when a lane is handed to this call
	handed bool          // turn is closed (under acceptBatcher.mu)
}

// record checks c's target and records the request with its job, in a
// batch with the requests arriving at the same time.
func (s *Service) record(ctx context.Context, c *acceptCall) (*Request, store.LinkbackVerdict, error) {
	c.done, c.turn = make(chan struct{}), make(chan struct{})
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := b.leaders < acceptLanes
	if lead {
		b.leaders++
	}
	b.mu.Unlock()
	if !lead {
		select {
		case <-c.done:
			b.mu.Lock()
			if c.handed { // answered and handed a lane at once: pass it on
				b.passLane()
			}
			b.mu.Unlock()
			return c.l, c.v, c.err
		case <-c.turn:
		}
	}
	s.lead(ctx, c)
	<-c.done
	return c.l, c.v, c.err
}

// lead runs batches from the queue on one lane until c is answered (by
// this lane or another), then passes the lane on.
func (s *Service) lead(ctx context.Context, c *acceptCall) {
	b := &s.batch
	defer func() { // after a panic too: a lane is never lost
		b.mu.Lock()
		b.passLane()
		b.mu.Unlock()
	}()
	for {
		b.mu.Lock()
		select {
		case <-c.done:
			b.mu.Unlock()
			return
		default:
		}
		if len(b.queue) == 0 { // c is in another lane's batch
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), maxAcceptBatch)
		calls := b.queue[:n:n]
		b.queue = append([]*acceptCall(nil), b.queue[n:]...)
		b.mu.Unlock()
		s.runCalls(ctx, calls)
	}
}

// passLane hands this lane to the first queued request that has none,
// or frees it. b.mu is held.
func (b *acceptBatcher) passLane() {
	for _, q := range b.queue {
		if !q.handed {
			q.handed = true
			close(q.turn)
			return
		}
	}
	b.leaders--
}

// runCalls records calls in one batch and answers them. When a statement
// fails, nothing was committed, and each request is tried on its own so
// that one request's error stays its own.
func (s *Service) runCalls(ctx context.Context, calls []*acceptCall) {
	defer func() {
		for _, c := range calls { // after a panic too: nobody waits forever
			select {
			case <-c.done:
			default:
				if c.err == nil {
					c.err = errors.New("linkbacks: batch abandoned")
				}
				close(c.done)
			}
		}
	}()
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), acceptBatchLimit)
	defer cancel()
	err := s.runBatch(bctx, calls)
	var pe *pgconn.PgError
	switch {
	case err == nil:
	case len(calls) > 1 && errors.As(err, &pe):
		for _, c := range calls {
			if err := s.runBatch(bctx, []*acceptCall{c}); err != nil {
				c.err = err
			}
		}
	default:
		for _, c := range calls {
			c.err = err
		}
	}
	for _, c := range calls {
		close(c.done)
	}
}

// runBatch records calls in one transaction. When it returns nil each
// call's l, v and err are its outcome (err nil, a *Refusal or
// store.ErrLinkbackDuplicate); an error means nothing was committed.
func (s *Service) runBatch(ctx context.Context, calls []*acceptCall) error {
	for _, c := range calls {
		c.l, c.v, c.err = nil, store.LinkbackVerdict{}, nil
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		type found struct {
			p   *post.Post
			err error
		}
		targets := map[string]*found{}
		tb := &pgx.Batch{}
		ips, hosts := make([]string, len(calls)), make([]string, len(calls))
		for i, c := range calls {
			ips[i], hosts[i] = c.ip, c.host
		}
		store.QueueLinkbackLocks(tb, ips, hosts)
		for _, c := range calls {
			if targets[c.slug] == nil {
				f := &found{}
				targets[c.slug] = f
				store.QueueLinkbackTarget(tb, c.slug, func(p *post.Post, err error) error {
					f.p, f.err = p, err
					if errors.Is(err, apperr.ErrNotFound) {
						return nil // the request's answer (32)
					}
					return err
				})
			}
		}
		if err := tx.SendBatch(ctx, tb).Close(); err != nil {
			return err
		}
		ab := &pgx.Batch{}
		for _, c := range calls {
			f := targets[c.slug]
			p, err := s.targetPost(ctx, f.p, f.err)
			if err == nil && linkback.SameURL(c.src, c.tgt) {
				err = Refuse(linkback.FaultGeneric, 400, "The source URL and the target URL are the same.")
			}
			if err != nil {
				c.err = err
				continue
			}
			c.l = &Request{Kind: c.kind, PostID: p.ID, SourceURL: c.src.String(), TargetURL: c.tgt.String(), IP: c.ip}
			store.QueueAcceptLinkback(ab, c.l, c.host, c.lim, func(v store.LinkbackVerdict, err error) error {
				c.v, c.err = v, err
				if errors.Is(err, store.ErrLinkbackDuplicate) {
					return nil // the request's answer (48)
				}
				return err
			})
		}
		if ab.Len() > 0 {
			if err := tx.SendBatch(ctx, ab).Close(); err != nil {
				return err
			}
		}
		// The bounded wait counts the verifications pending once the
		// request is committed, so with its whole batch: the count the
		// batch's last request saw (each statement sees the earlier ones).
		pending := 0
		for _, c := range calls {
			if c.err == nil {
				pending = max(pending, c.v.Pending)
			}
		}
		var jobs []river.JobArgs
		for _, c := range calls {
			if c.err == nil {
				c.v.Pending = pending
			}
			if c.err == nil && c.v.Enqueue {
				jobs = append(jobs, jobargs.LinkbackVerifyArgs{Source: c.l.SourceURL, PostID: c.l.PostID})
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		if q, ok := s.Jobs.(manyEnqueuer); ok {
			return q.EnqueueMany(ctx, tx, jobs)
		}
		for _, j := range jobs {
			if err := s.Jobs.Enqueue(ctx, tx, j); err != nil {
				return err
			}
		}
		return nil
	})
}

// manyEnqueuer is a queue that inserts several jobs in one statement
// (jobs.Queue): a batch's jobs then cost one round trip.
type manyEnqueuer interface {
	EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error
}
