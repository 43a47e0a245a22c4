package linkbacks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/jobargs"
	"quire/internal/store"
)

// Requests arriving together are recorded together, in one transaction
// on one pool connection: one pipelined round trip sends the BEGIN,
// takes the rate limits' locks and reads their target posts, each post
// once (store.TransactFrom); one runs their statements
// (store.QueueAcceptNewLinkback for first requests, then
// store.QueueAcceptLinkback for the others, accept_round.go), one
// inserts the jobs of those whose senders may wait for their
// verification, and the last sends the COMMIT, with a flood's put-off
// verifications (one linkback_verify_events row, events.go). A node
// that holds the target posts already (targets.go) sends the first
// requests' statements with the BEGIN, and skips the read. A flood of
// pingbacks then costs a pool connection, two round trips, a commit and
// a narrow row per batch rather than a job per request. Every request
// is still answered only after its row and its verification's job or
// event are committed. The batches form and run in batch.Lanes, as comments' do.
const acceptBatchLimit = 10 * time.Second // a batch is not tied to the requests' contexts

// acceptCall is one request's part in a batch: what Accept checked
// without the database, then the outcome.
type acceptCall struct {
	kind       string
	slug       string // of the target post (targetSlug)
	src, tgt   *url.URL
	ip         string
	host       string // the source's, lower case
	lim        store.LinkbackLimits
	waitQueue  int           // the bounded wait's; the pending count goes up to it + 1
	floodDelay time.Duration // Limits.FloodDelay

	l       *Request // the request, once its target passed the checks
	v       store.LinkbackVerdict
	pending int           // verifications pending once committed, with the batch
	flood   bool          // the batch's: pending or the node's arriving requests over waitQueue
	err     error         // a *Refusal, store.ErrLinkbackDuplicate, or a failure
	done    chan struct{} // closed once l, v, pending and err are final
}

// record checks c's target and records the request with its job, in a
// batch with the requests arriving at the same time, and waits for it.
// When ctx ends first, a request still queued is never recorded; one
// whose batch already runs may still be (batch.Lanes.Do).
func (s *Service) record(ctx context.Context, c *acceptCall) (*Request, store.LinkbackVerdict, error) {
	s.arriving.Add(1) // while it is recorded, it is part of any burst (flood)
	defer s.arriving.Add(-1)
	c.done = make(chan struct{})
	if err := s.batch.Do(ctx, c, c.done, s.runCalls); err != nil {
		return nil, store.LinkbackVerdict{}, err
	}
	return c.l, c.v, c.err
}

// runCalls records calls in one batch and answers them. When a statement
// fails, nothing was committed, and each request is tried on its own so
// that one request's error stays its own.
func (s *Service) runCalls(ctx context.Context, calls []*acceptCall) {
	defer func() {
		// After a panic too nobody waits forever, and the lane goes on.
		r := recover()
		if r != nil {
			s.log().Error("linkbacks: a batch of requests panicked", "panic", r)
		}
		for _, c := range calls {
			select {
			case <-c.done:
			default:
				if c.err == nil {
					c.err = fmt.Errorf("linkbacks: a batch of requests panicked: %v", r)
				}
				close(c.done)
			}
		}
	}()
	bctx, cancel := context.WithTimeout(ctx, acceptBatchLimit)
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
		if c.err == nil && c.flood {
			s.settled.flooding() // the waits begun before the flood end (Await)
			s.eventsStored()     // and its verifications were put off (events.go)
			break
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
		c.l, c.v, c.pending, c.flood, c.err = nil, store.LinkbackVerdict{}, 0, false, nil
	}
	r := &acceptRound{s: s, calls: calls}
	tb := &pgx.Batch{} // sent with the BEGIN
	ips, hosts := make([]string, len(calls)), make([]string, len(calls))
	for i, c := range calls {
		ips[i], hosts[i] = c.ip, c.host
	}
	store.QueueLinkbackLocks(tb, ips, hosts)
	known := r.readTargets(tb)
	if known {
		r.queue(ctx, tb) // no read to wait for: the statements go with the BEGIN
	}
	return s.Store.TransactFrom(ctx, tb, func(tx pgx.Tx) (*pgx.Batch, error) {
		if !known {
			ab := &pgx.Batch{}
			if r.queue(ctx, ab); ab.Len() > 0 {
				if err := tx.SendBatch(ctx, ab).Close(); err != nil {
					return nil, err
				}
			}
		}
		if err := r.sendFull(ctx, tx); err != nil {
			return nil, err
		}
		arriving := int(s.arriving.Load())
		for _, c := range calls {
			if c.err == nil {
				c.pending, c.flood = r.pending, flood(r.pending, arriving, c.waitQueue)
			}
		}
		jobs, later := s.verifyJobs(calls)
		if err := jobargs.EnqueueAll(ctx, s.Jobs, tx, jobs); err != nil {
			return nil, err
		}
		if len(later.Pairs) == 0 {
			return nil, nil
		}
		last := &pgx.Batch{} // with the COMMIT
		return last, queueVerifyEvent(last, later)
	})
}

// apart splits the requests of a batch into those that share no
// requester IP, source host or key (kind, post, source) with another
// (at least two of them, and with the first one's limits: one statement
// for all, store.QueueAcceptNewLinkbacks) and the rest, each on its own
// in the batch's order. No request of the first kind then shares
// anything with one of the second either, so the rate counts and the
// duplicate checks come out as if each went alone.
func apart(calls []*acceptCall) (many, rest []*acceptCall) {
	type key struct {
		kind, source string
		post         int64
	}
	ips, hosts, keys := map[string]int{}, map[string]int{}, map[key]int{}
	for _, c := range calls {
		if c.ip != "" {
			ips[c.ip]++
		}
		hosts[c.host]++
		keys[key{c.kind, c.l.SourceURL, c.l.PostID}]++
	}
	for _, c := range calls {
		if (c.ip == "" || ips[c.ip] == 1) && hosts[c.host] == 1 && keys[key{c.kind, c.l.SourceURL, c.l.PostID}] == 1 &&
			c.lim == calls[0].lim {
			many = append(many, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(many) < 2 { // one alone: the one-row statement is cheaper
		return nil, calls
	}
	return many, rest
}

// flood reports whether a batch is a flood's: more verifications pending
// once it is committed than the bounded wait allows (waitQueue), or more
// requests arriving on this node at once, its own included. The second
// sees a burst from its first batch, before its rows are pending; in
// both, nobody waits for the outcome.
func flood(pending, arriving, waitQueue int) bool {
	return pending > waitQueue || arriving > waitQueue
}

// verifyJobs returns the verification jobs of the calls recorded: a
// request its sender may wait for gets its own, to run at once; a
// flood's (nobody waits) go in later, to start once the burst is over
// (Limits.FloodDelay), which the batch writes as an event for the
// queue's drainer (events.go).
func (s *Service) verifyJobs(calls []*acceptCall) ([]river.JobArgs, jobargs.LinkbackVerifyLaterArgs) {
	var jobs []river.JobArgs
	later := jobargs.LinkbackVerifyLaterArgs{}
	for _, c := range calls {
		if c.err != nil || !c.v.Enqueue {
			continue
		}
		a := jobargs.LinkbackVerifyArgs{Source: c.l.SourceURL, PostID: c.l.PostID}
		if c.flood && c.floodDelay > 0 {
			later.Pairs = append(later.Pairs, a)
			later.At = s.now().Add(c.floodDelay)
		} else {
			jobs = append(jobs, a)
		}
	}
	return jobs, later
}
