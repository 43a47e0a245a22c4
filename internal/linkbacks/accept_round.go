package linkbacks

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/linkback"
	"quire/internal/post"
	"quire/internal/store"
)

// acceptRound is one batch's way through its statements: its target
// posts, the requests that need the full statement, and the pending
// count.
type acceptRound struct {
	s       *Service
	calls   []*acceptCall
	targets map[string]*target // by slug
	full    []*acceptCall      // not written by the cheaper statements
	pending int                // verifications pending, counted with the batch's statements
}

// target is a slug's post, or why there is none.
type target struct {
	p   *post.Post
	err error
}

// readTargets queues in b the reads of the round's target posts that the
// node does not hold (targets.go), each post once, and reports whether
// there were none: the round's statements may then go in b too.
func (r *acceptRound) readTargets(b *pgx.Batch) (known bool) {
	r.targets = map[string]*target{}
	ticket := r.s.targets.ticket()
	known = true
	for _, c := range r.calls {
		if r.targets[c.slug] != nil {
			continue
		}
		t := &target{}
		r.targets[c.slug] = t
		if p, ok := r.s.targets.get(c.slug); ok {
			t.p = p
			continue
		}
		known = false
		slug := c.slug
		store.QueueLinkbackTarget(b, slug, func(p *post.Post, err error) error {
			t.p, t.err = p, err
			if err == nil {
				r.s.targets.put(slug, ticket, p)
			}
			if errors.Is(err, apperr.ErrNotFound) {
				return nil // the request's answer (32)
			}
			return err
		})
	}
	return known
}

// queue checks each request's target and queues in b the statements of
// those it allows: first requests go in with the cheaper statement,
// those that share nothing with another of the batch all in one; the
// others (a re-send, a duplicate, a request over a limit) are left for
// sendFull. The bounded wait asks how many verifications are pending
// once the request is committed, so with its whole batch: counted after
// the batch's statements (again after the full ones, if any).
func (r *acceptRound) queue(ctx context.Context, b *pgx.Batch) {
	var valid []*acceptCall
	for _, c := range r.calls {
		t := r.targets[c.slug]
		p, err := r.s.targetPost(ctx, t.p, t.err)
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
	n := b.Len()
	many, rest := apart(valid)
	if len(many) > 0 {
		ls := make([]store.NewLinkback, len(many))
		for i, c := range many {
			ls[i] = store.NewLinkback{L: c.l, Host: c.host}
		}
		store.QueueAcceptNewLinkbacks(b, ls, many[0].lim, func(i int, v store.LinkbackVerdict, written bool) error {
			if many[i].v = v; !written {
				r.full = append(r.full, many[i])
			}
			return nil
		})
	}
	for _, c := range rest {
		store.QueueAcceptNewLinkback(b, c.l, c.host, c.lim, func(v store.LinkbackVerdict, written bool, err error) error {
			if err == nil && !written {
				r.full = append(r.full, c)
			}
			c.v, c.err = v, err
			return err
		})
	}
	if b.Len() > n {
		r.countPending(b)
	}
}

// sendFull runs the full statement of the requests queue left, in one
// round trip, when there are any.
func (r *acceptRound) sendFull(ctx context.Context, tx pgx.Tx) error {
	if len(r.full) == 0 {
		return nil
	}
	fb := &pgx.Batch{}
	for _, c := range r.full {
		store.QueueAcceptLinkback(fb, c.l, c.host, c.lim, func(v store.LinkbackVerdict, err error) error {
			c.v, c.err = v, err
			if errors.Is(err, store.ErrLinkbackDuplicate) {
				return nil // the request's answer (48)
			}
			return err
		})
	}
	r.countPending(fb)
	return tx.SendBatch(ctx, fb).Close()
}

// countPending queues the pending count, up to the largest wait of the
// batch's requests.
func (r *acceptRound) countPending(b *pgx.Batch) {
	waitQueue := 0
	for _, c := range r.calls {
		waitQueue = max(waitQueue, c.waitQueue)
	}
	store.QueuePendingLinkbacks(b, waitQueue, func(n int, err error) error {
		r.pending = n
		return err
	})
}
