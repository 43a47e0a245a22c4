package linkbacks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/jobargs"
	"quire/internal/store"
)

// Requests arriving together are recorded together: one transaction, one
// round trip for all their statements (store.QueueAcceptLinkback), their
// jobs, one commit. A flood of pingbacks then costs the database a commit
// per batch rather than per request, and holds one pool connection
// instead of one per sender. Every request is still answered only after
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

// acceptCall is one request's part in a batch.
type acceptCall struct {
	l    *Request
	host string
	lim  store.LinkbackLimits
	v    store.LinkbackVerdict
	err  error
	done chan struct{} // closed once v and err are final
	turn chan struct{} // closed when this call is to lead the next batch
}

// record writes l (store.AcceptLinkback) and its verification job, in a
// batch with the requests arriving at the same time.
func (s *Service) record(ctx context.Context, l *Request, host string, lim store.LinkbackLimits) (store.LinkbackVerdict, error) {
	c := &acceptCall{l: l, host: host, lim: lim, done: make(chan struct{}), turn: make(chan struct{})}
	b := &s.batch
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := !b.busy // not busy: the queue was empty, c is its head
	b.busy = true
	b.mu.Unlock()
	if !lead {
		select {
		case <-c.done:
			return c.v, c.err
		case <-c.turn: // c heads the queue now
		}
	}
	s.leadBatch(ctx)
	<-c.done // c headed the batch just run
	return c.v, c.err
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
		for _, c := range calls {
			close(c.done)
		}
	case len(calls) > 1 && errors.As(err, &pe):
		// A statement failed, so nothing was committed: each request on
		// its own, so that one request's error stays its own.
		for _, c := range calls {
			c.v, c.err = s.recordOne(bctx, c)
			close(c.done)
		}
	default:
		for _, c := range calls {
			c.err = err
			close(c.done)
		}
	}
}

// runBatch records calls in one transaction; on success each call's v
// and err are its outcome (err nil or store.ErrLinkbackDuplicate).
func (s *Service) runBatch(ctx context.Context, calls []*acceptCall) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for _, c := range calls {
			store.QueueAcceptLinkback(batch, c.l, c.host, c.lim, func(v store.LinkbackVerdict, err error) error {
				c.v, c.err = v, err
				if errors.Is(err, store.ErrLinkbackDuplicate) {
					return nil // the request's answer, not the batch's failure
				}
				return err
			})
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return err
		}
		var jobs []river.JobArgs
		for _, c := range calls {
			if c.err == nil && c.v.Enqueue {
				jobs = append(jobs, jobargs.LinkbackVerifyArgs{Source: c.l.SourceURL, PostID: c.l.PostID})
			}
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

// recordOne records one call in a transaction of its own.
func (s *Service) recordOne(ctx context.Context, c *acceptCall) (store.LinkbackVerdict, error) {
	var v store.LinkbackVerdict
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		var err error
		if v, err = store.AcceptLinkback(ctx, tx, c.l, c.host, c.lim); err != nil || !v.Enqueue {
			return err
		}
		return s.Jobs.Enqueue(ctx, tx, jobargs.LinkbackVerifyArgs{Source: c.l.SourceURL, PostID: c.l.PostID})
	})
	return v, err
}
