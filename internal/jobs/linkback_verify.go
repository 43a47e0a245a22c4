package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"quire/internal/jobargs"
	"quire/internal/linkback"
	"quire/internal/linkbacks"
)

// verifyWorker verifies the pending requests of one (source, post) pair
// with one GET of the source; linkbacks.Service decides and records each.
type verifyWorker struct {
	river.WorkerDefaults[jobargs.LinkbackVerifyArgs]
	d     Deps
	cache fetchCache
}

func (w *verifyWorker) Work(ctx context.Context, j *river.Job[jobargs.LinkbackVerifyArgs]) (err error) {
	lb := w.d.Linkbacks
	if lb.Fetch == nil {
		return nil
	}
	svc, source, postID := w.d.Workflows.Linkbacks, j.Args.Source, j.Args.PostID
	reqs, err := svc.Claim(ctx, source, postID)
	if err != nil {
		return err
	}
	if len(reqs) == 0 {
		if j.Attempt > 1 {
			// An earlier attempt failed and could not give its claims
			// back (below): wait until they are stale, then claim them.
			held, err := svc.Claimed(ctx, source, postID)
			if err == nil && held {
				return river.JobSnooze(linkbacks.ClaimStale + time.Second)
			}
			return err
		}
		return nil // another job has them
	}
	defer func() {
		var snooze *rivertype.JobSnoozeError
		if err != nil && !errors.As(err, &snooze) { // a snooze gave them back already
			// Give the claims back, so that River's retry claims them
			// rather than finding them taken and stopping.
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			err = errors.Join(err, svc.Unclaim(uctx, source, postID))
		}
	}()
	ok, wait, err := svc.TakeFetchSlot(ctx, source, postID, lb.interval())
	if err != nil {
		return err
	}
	var resp *linkback.Response
	var fetchErr error
	var later []*linkbacks.Request // must wait for the next GET
	if ok {
		g := linkback.FetchGetter{Client: lb.Fetch, Purpose: "verifying " + reqs[0].Kind, Requester: reqs[0].IP}
		resp, fetchErr = g.Get(ctx, source)
		w.cache.put(source, postID, resp, fetchErr)
	} else {
		// Fetched within the interval. A twin request (the pingback's
		// webmention) is settled from that fetch; a request that fetch
		// already settled was re-sent to announce a change, and waits.
		f, hit := w.cache.get(source, postID)
		var now []*linkbacks.Request
		for _, r := range reqs {
			if hit && !f.settled[r.ID] {
				now = append(now, r)
			} else {
				later = append(later, r)
			}
		}
		resp, fetchErr, reqs = f.resp, f.err, now
	}
	rules, err := lb.rules(ctx)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if err := svc.Settle(ctx, rules, r, resp, fetchErr); err != nil {
			return err
		}
		w.cache.settle(source, postID, r.ID)
	}
	if len(later) > 0 {
		if err := svc.Unclaim(ctx, source, postID); err != nil {
			return err
		}
		return river.JobSnooze(wait)
	}
	// A request re-sent while this job ran went back to pending without a
	// job of its own: run again when the next GET is allowed.
	if more, err := svc.Claimable(ctx, source, postID); err != nil || more {
		if err != nil {
			return err
		}
		return river.JobSnooze(time.Second) // settled from the cache, or waits for the next slot
	}
	return nil
}
