package linkbacks

import (
	"context"
	"sync"
	"time"

	"quire/internal/store"
)

// Await waits, boundedly, until the request of r is decided; it returns
// the final state, fault and detail, or "pending". In a flood (more than
// WaitQueue verifications pending once r was committed, or requests
// arriving on this node now) it answers at once: a flood must not hold
// connections open. r's batch counted them
// with itself; when that count allows the wait, they are counted again
// now, after the commit, with what other batches committed meanwhile (a
// flood's first batches are small). A flood that begins during the wait
// ends it too: a batch on this node that counts more than WaitQueue
// pending wakes every wait at once (settlements.flood), and each poll
// counts again for the batches of other nodes. A verification settled
// on this node wakes the wait at once (settled); one settled by another
// node is seen by polling, every 50 ms at first, then every 250 ms.
func (s *Service) Await(ctx context.Context, r *Receipt) (string, int, string) {
	lim := *s.Limits
	if lim.Wait <= 0 || r.Flood || flood(r.Pending, int(s.arriving.Load()), lim.WaitQueue) {
		return "pending", 0, ""
	}
	flood := s.settled.floodSignal() // before the count: a flood after it still wakes
	if s.flooded(ctx, lim.WaitQueue) {
		return "pending", 0, ""
	}
	id := r.ID
	deadline := time.Now().Add(lim.Wait)
	woken := s.settled.watch(id)
	defer s.settled.unwatch(id)
	for d := 50 * time.Millisecond; time.Now().Before(deadline); d = min(2*d, 250*time.Millisecond) {
		timer := time.NewTimer(min(d, time.Until(deadline)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return "pending", 0, ""
		case <-flood:
			timer.Stop()
			return "pending", 0, ""
		case <-woken:
			timer.Stop()
			woken = s.settled.current(id) // a later settlement (of a re-sent request) wakes again
		case <-timer.C:
			if s.flooded(ctx, lim.WaitQueue) {
				return "pending", 0, ""
			}
		}
		state, fault, detail, err := store.LinkbackInState(ctx, s.Store.Pool, id)
		if err != nil {
			return "pending", 0, ""
		}
		if state != "pending" && state != "verifying" {
			return state, fault, detail
		}
	}
	return "pending", 0, ""
}

// flooded reports whether more than waitQueue verifications are pending
// (or the count failed: no wait then either).
func (s *Service) flooded(ctx context.Context, waitQueue int) bool {
	n, err := store.PendingLinkbacks(ctx, s.Store.Pool, waitQueue)
	return err != nil || n > waitQueue
}

// settlements wakes the Awaits of this node when a request they wait for
// was settled here: one channel per watched request id, closed on its
// settlement; and all of them when a flood began (one channel, closed
// by flooding). The zero value is ready to use.
type settlements struct {
	mu    sync.Mutex
	m     map[int64]*watchers
	flood chan struct{} // closed when a batch here counts a flood (floodSignal)
}

type watchers struct {
	ch chan struct{}
	n  int // Awaits holding this entry
}

// watch registers a waiter of id and returns the channel closed when id
// is next settled.
func (s *settlements) watch(id int64) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int64]*watchers{}
	}
	w := s.m[id]
	if w == nil {
		w = &watchers{ch: make(chan struct{})}
		s.m[id] = w
	}
	w.n++
	return w.ch
}

// current is the channel the next settlement of id closes, for a
// waiter already registered.
func (s *settlements) current(id int64) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.m[id]; w != nil {
		return w.ch
	}
	return nil
}

// unwatch drops one waiter of id; the last one removes the entry, so the
// map holds only the requests waited for now.
func (s *settlements) unwatch(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.m[id]; w != nil {
		if w.n--; w.n <= 0 {
			delete(s.m, id)
		}
	}
}

// settle wakes the waiters of id. Their entry stays until they unwatch;
// a closed channel is replaced so a later settlement wakes again.
func (s *settlements) settle(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.m[id]; w != nil {
		close(w.ch)
		w.ch = make(chan struct{})
	}
}

// floodSignal returns the channel the next flooding closes.
func (s *settlements) floodSignal() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flood == nil {
		s.flood = make(chan struct{})
	}
	return s.flood
}

// flooding wakes every Await of this node: a batch counted more
// verifications pending than a wait allows. Only a channel someone took
// is closed and replaced, so a flood's batches cost a lock each.
func (s *settlements) flooding() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flood != nil {
		close(s.flood)
		s.flood = nil
	}
}
