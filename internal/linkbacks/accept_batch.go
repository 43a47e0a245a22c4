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
// on one pool connection: one pipelined round trip reads their target
// posts (each post once), one runs their statements
// (store.QueueAcceptLinkback), one inserts their jobs, one commits. A
// flood of pingbacks then costs a pool connection and a commit per batch
// rather than per request. Every request is still answered only after
// its row and its job are committed. One batch runs at a time per node;
// the requests that arrive meanwhile form the next, led by the first of
// them.
const (
	maxAcceptBatch   = 64
	acceptBatchLimit = 10 * time.Second // a batch is not tied to its leader's request
)

// acceptBatcher queues the requests waiting for a batch. The zero value
// is ready to use.
type acceptBatcher struct {
	mu    sync.Mutex
	queue []*acceptCall
	busy  bool // a batch is running, or its leader was named
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

	l    *Request // the request, once its target passed the checks
	v    store.LinkbackVerdict
	err  error         // a *Refusal, store.ErrLinkbackDuplicate, or a failure
	done chan struct{} // closed once l, v and err are final
	turn chan struct{} // closed when this call is to lead the next batch
}

// record checks c's target and records the request with its job, in a
// batch with the requests arriving at the same time.
func (s *Service) record(ctx context.Context, c *acceptCall) (*Request, store.LinkbackVerdict, error) {
	c.done, c.turn = make(chan struct{}), make(chan struct{})
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := !b.busy // not busy: the queue was empty, c is its head
	b.busy = true
	b.mu.Unlock()
	if !lead {
		select {
		case <-c.done:
			return c.l, c.v, c.err
		case <-c.turn: // c heads the queue now
		}
	}
	s.leadBatch(ctx)
	<-c.done // c headed the batch just run
	return c.l, c.v, c.err
}

// leadBatch runs the batch at the head of the queue and names the leader
// of the next.
func (s *Service) leadBatch(ctx context.Context) {
	b := &s.batch
	b.mu.Lock()
	n := min(len(b.queue), maxAcceptBatch)
	calls := b.queue[:n:n]
	b.queue = append([]*acceptCall(nil), b.queue[n:]...)
	b.mu.Unlock()
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
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.busy = false
		} else {
			close(b.queue[0].turn)
		}
		b.mu.Unlock()
	}()
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), acceptBatchLimit)
	defer cancel()
	err := s.runBatch(bctx, calls)
	var pe *pgconn.PgError
	switch {
	case err == nil:
	case len(calls) > 1 && errors.As(err, &pe):
		// A statement failed, so nothing was committed: each request on
		// its own, so that one request's error stays its own.
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
		var jobs []river.JobArgs
		for _, c := range calls {
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
