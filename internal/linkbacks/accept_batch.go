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

	"quire/internal/apperr"
	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// Requests arriving together are recorded together, in one transaction
// on one pool connection: one pipelined round trip sends the BEGIN,
// takes the rate limits' locks and reads their target posts, each post
// once (store.TransactFrom); one runs their statements
// (store.QueueAcceptNewLinkback for first requests, then
// store.QueueAcceptLinkback for the others), one inserts the jobs of
// those whose senders may wait for their verification, and the last
// sends the COMMIT, with a flood's put-off verifications (one
// linkback_verify_events row, events.go). A flood of pingbacks then
// costs a pool connection, three round trips, a commit and a narrow row
// per batch rather than a job per request. Every request is still
// answered only after its row and its verification's job or event are
// committed. The batches form and run in batch.Lanes, as comments' do.
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
	err     error         // a *Refusal, store.ErrLinkbackDuplicate, or a failure
	done    chan struct{} // closed once l, v, pending and err are final
}

// record checks c's target and records the request with its job, in a
// batch with the requests arriving at the same time, and waits for it.
// When ctx ends first, a request still queued is never recorded; one
// whose batch already runs may still be (batch.Lanes.Do).
func (s *Service) record(ctx context.Context, c *acceptCall) (*Request, store.LinkbackVerdict, error) {
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
		if c.err == nil && c.pending > c.waitQueue {
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
		c.l, c.v, c.pending, c.err = nil, store.LinkbackVerdict{}, 0, nil
	}
	type found struct {
		p   *post.Post
		err error
	}
	targets := map[string]*found{}
	tb := &pgx.Batch{} // sent with the BEGIN
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
	return s.Store.TransactFrom(ctx, tb, func(tx pgx.Tx) (*pgx.Batch, error) {
		// First requests go in with the cheaper statement, those that
		// share nothing with another of the batch all in one; the others
		// (a re-send, a duplicate, a request over a limit) then take the
		// full one, in a second round trip only when there are any.
		ab := &pgx.Batch{}
		var full, valid []*acceptCall
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
			valid = append(valid, c)
		}
		many, rest := apart(valid)
		if len(many) > 0 {
			ls := make([]store.NewLinkback, len(many))
			for i, c := range many {
				ls[i] = store.NewLinkback{L: c.l, Host: c.host}
			}
			store.QueueAcceptNewLinkbacks(ab, ls, many[0].lim, func(i int, v store.LinkbackVerdict, written bool) error {
				if many[i].v = v; !written {
					full = append(full, many[i])
				}
				return nil
			})
		}
		for _, c := range rest {
			store.QueueAcceptNewLinkback(ab, c.l, c.host, c.lim, func(v store.LinkbackVerdict, written bool, err error) error {
				if err == nil && !written {
					full = append(full, c)
				}
				c.v, c.err = v, err
				return err
			})
		}
		// The bounded wait asks how many verifications are pending once
		// the request is committed, so with its whole batch: counted after
		// the batch's statements (again after the full ones, if any).
		pending, waitQueue := 0, 0
		for _, c := range calls {
			waitQueue = max(waitQueue, c.waitQueue)
		}
		countPending := func(b *pgx.Batch) {
			store.QueuePendingLinkbacks(b, waitQueue, func(n int, err error) error {
				pending = n
				return err
			})
		}
		if ab.Len() > 0 {
			countPending(ab)
			if err := tx.SendBatch(ctx, ab).Close(); err != nil {
				return nil, err
			}
		}
		if len(full) > 0 {
			fb := &pgx.Batch{}
			for _, c := range full {
				store.QueueAcceptLinkback(fb, c.l, c.host, c.lim, func(v store.LinkbackVerdict, err error) error {
					c.v, c.err = v, err
					if errors.Is(err, store.ErrLinkbackDuplicate) {
						return nil // the request's answer (48)
					}
					return err
				})
			}
			countPending(fb)
			if err := tx.SendBatch(ctx, fb).Close(); err != nil {
				return nil, err
			}
		}
		for _, c := range calls {
			if c.err == nil {
				c.pending = pending
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

// verifyJobs returns the verification jobs of the calls recorded: a
// request its sender may wait for gets its own, to run at once; a
// flood's (more pending than the wait allows: nobody waits) go in later,
// to start once the burst is over (Limits.FloodDelay), which the batch
// writes as an event for the queue's drainer (events.go).
func (s *Service) verifyJobs(calls []*acceptCall) ([]river.JobArgs, jobargs.LinkbackVerifyLaterArgs) {
	var jobs []river.JobArgs
	later := jobargs.LinkbackVerifyLaterArgs{}
	for _, c := range calls {
		if c.err != nil || !c.v.Enqueue {
			continue
		}
		a := jobargs.LinkbackVerifyArgs{Source: c.l.SourceURL, PostID: c.l.PostID}
		if c.pending > c.waitQueue && c.floodDelay > 0 {
			later.Pairs = append(later.Pairs, a)
			later.At = s.now().Add(c.floodDelay)
		} else {
			jobs = append(jobs, a)
		}
	}
	return jobs, later
}
