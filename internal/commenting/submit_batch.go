package commenting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/store"
)

// Comments submitted together are stored together, in one transaction on
// one pool connection (store.TransactSubmitBatch): one pipelined round
// trip sends the BEGIN with one read for all the comments and the rows
// they reply to, one sends their INSERT with their events' row and the
// COMMIT (a third inserts the opt-ins' mail jobs, when one asks). A
// burst of comments then costs a pool connection, two round trips and
// a commit per batch rather than per comment. Each caller is answered
// only once its comment and its event are committed. The batches form and run
// in batch.Lanes, as pingbacks' do (internal/linkbacks/accept_batch.go);
// its caller-run lane measured, with BenchmarkSubmit and one caller,
// 456–546 µs a comment with every lane a goroutine, 367–452 µs so,
// 354–401 µs before batches.
const submitBatchLimit = 10 * time.Second // a batch is not tied to its callers' contexts

// batched stores c in a batch with the comments arriving at the same time
// and waits for its outcome. A caller whose context ends stops waiting:
// its comment, when still queued, is taken out and never stored; when
// its batch already runs, it may still be stored (batch.Lanes.Do).
func (s *Service) batched(ctx context.Context, c *submitCall) (*Result, error) {
	c.done = make(chan struct{})
	if err := s.batch.Do(ctx, c, c.done, s.runCalls); err != nil {
		return nil, err
	}
	return c.res, c.err
}

// runCalls stores calls in one batch and answers them. When PostgreSQL
// refuses a statement of the batch (a row the database refuses, a post
// deleted meanwhile), nothing was committed, and each comment is tried
// again on its own (submitOne), so that one comment's failure stays its
// own. Any other failure (a lost connection, the batch's time limit) is
// every comment's answer, as it was each comment's own before batches:
// the COMMIT may have been sent, and a comment tried again would then be
// stored twice.
func (s *Service) runCalls(ctx context.Context, calls []*submitCall) {
	defer func() {
		// After a panic too nobody waits forever, and the lane goes on.
		r := recover()
		for _, c := range calls {
			select {
			case <-c.done:
			default:
				if c.err == nil && c.res == nil {
					c.err = fmt.Errorf("commenting: a batch of comments panicked: %v", r)
				}
				close(c.done)
			}
		}
	}()
	bctx, cancel := context.WithTimeout(ctx, submitBatchLimit)
	defer cancel()
	if err := s.runBatch(bctx, calls); err != nil {
		var pe *pgconn.PgError
		retry := bctx.Err() == nil && (errors.As(err, &pe) || errors.Is(err, pgx.ErrTxCommitRollback))
		for _, c := range calls {
			switch {
			case c.ctx.Err() != nil: // its caller stopped waiting
				c.res, c.err = nil, c.ctx.Err()
			case retry:
				c.res, c.err = s.submitOne(bctx, c) // tells eventsStored itself
			default:
				c.res, c.err = nil, err
			}
			close(c.done)
		}
		return
	}
	for _, c := range calls {
		if c.err == nil {
			c.res = result(c.n, c.v, c.p)
		}
		close(c.done)
	}
	s.eventsStored()
}

// runBatch stores calls in one transaction. When it returns nil, each
// call's err is its answer (nil, or the rules' refusal) and, without one,
// its n (stored), v and p are set. On an error PostgreSQL reported
// (*pgconn.PgError), nothing was committed; on another, its COMMIT may
// have been sent.
// The rules decide the comments in their order, each seeing the ones
// before it as stored (adjustSignals, and a reply to one of them).
func (s *Service) runBatch(ctx context.Context, calls []*submitCall) error {
	args := make([]store.SubmitArgs, len(calls))
	var parentIDs []int64
	for i, c := range calls {
		c.res, c.err, c.n, c.p = nil, nil, nil, nil
		args[i] = c.args
		if id := c.d.ParentID; id != 0 && c.verr == nil && !slices.Contains(parentIDs, id) {
			parentIDs = append(parentIDs, id)
		}
	}
	return s.Store.TransactSubmitBatch(ctx, args, parentIDs, func(tx pgx.Tx, reads []store.SubmitBatchRead,
		parents map[int64]*store.Comment) ([]*store.NewComment, error) {
		var ns []*store.NewComment
		var earlier []stored
		var jobs []river.JobArgs
		var optIns []*store.NewComment
		parent := func(id int64) (*store.Comment, error) {
			if p := parents[id]; p != nil {
				return p, nil
			}
			for _, n := range ns { // a reply to a comment of this batch
				if n.ID == id {
					return &store.Comment{Comment: n.Comment, Reasons: n.Reasons, Notify: n.Notify}, nil
				}
			}
			return nil, apperr.ErrNotFound
		}
		for i, c := range calls {
			r := reads[i]
			me := stored{postID: c.args.PostID, lowerEmail: r.LowerEmail, ip: c.ip, body: c.args.Body}
			if r.Err == nil {
				r.Signals = adjustSignals(r.Signals, c.args, me, earlier)
			}
			c.n, c.v, c.p, c.err = s.decide(c, r.SubmitRead, r.Err, parent)
			if c.err != nil {
				continue
			}
			n := c.n
			n.Path = comment.ChildPath(n.ParentPath, n.ID) // for a reply in the same batch
			ns = append(ns, n)
			me.approved = n.Status == comment.StatusApproved
			earlier = append(earlier, me)
			if n.Status == comment.StatusSpam {
				continue // nothing is ever sent for spam
			}
			n.Announce = true // the batch's events: one row, written with the comments (events.go)
			if n.Notify {
				optIns = append(optIns, n)
			}
		}
		// The opt-ins write one row per address: in the addresses' order,
		// so two batches with the same addresses never wait for each other
		// in a circle. (Their order does not matter otherwise: an
		// address's token is the same whoever asks.)
		slices.SortStableFunc(optIns, func(a, b *store.NewComment) int {
			return strings.Compare(strings.ToLower(a.AuthorEmail), strings.ToLower(b.AuthorEmail))
		})
		for _, n := range optIns {
			job, err := s.optIn(ctx, tx, n)
			if err != nil {
				return nil, err
			}
			if job != nil {
				jobs = append(jobs, job)
			}
		}
		return ns, jobargs.EnqueueAll(ctx, s.Jobs, tx, jobs)
	})
}
