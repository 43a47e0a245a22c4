// Package batch gathers the calls that arrive together into batches, so
// that a burst costs a transaction per batch rather than one per call:
// the comment form (commenting) and the pingback and webmention
// endpoints (linkbacks) store what arrives this way.
package batch

import (
	"context"
	"slices"
	"sync"
)

// The defaults of Lanes. Two lanes keep a batch being written while the
// next one forms; four, the extra ones started only once eight calls
// waited, measured no better on two cores (docs/BENCHMARKS.md). A batch
// of 64 stays well under a statement's parameter and size limits.
//
// The second lane starts only once DefaultExtraAt calls wait. Started
// for any call, it ran a batch of one beside the first lane's large
// ones: a third of the comment form's batches under load were of one
// comment, each paying a batch's statements and its COMMIT for it. The
// calls that came too few for a lane of their own go in the first
// lane's next batch (comments 4–12% faster a second at 32 connections,
// docs/BENCHMARKS.md, session 15).
const (
	DefaultLanes   = 2
	DefaultMax     = 64
	DefaultExtraAt = 8
)

// Lanes queues calls of type T (a pointer to the call's state) for
// batches, of which at most N run at once, each lane taking the queued
// calls batch after batch until the queue is empty. The first lane starts
// for a lone call; each further one only once ExtraAt calls wait. The
// zero value is ready to use, with DefaultLanes, DefaultMax and
// DefaultExtraAt.
type Lanes[T comparable] struct {
	N       int // lanes at most; 0 means DefaultLanes
	Max     int // calls in a batch at most; 0 means DefaultMax
	ExtraAt int // calls waiting (the new one included) that start a lane beside a running one; 0 means DefaultExtraAt

	mu    sync.Mutex
	queue []T
	lanes int // lanes running
}

// Do queues c and waits until done is closed or ctx ends. run is given
// the batches; it must close the done channel of every call it is given,
// after a panic too (recovering it: a lane may be a goroutine of its
// own). run's context is ctx without its cancellation: a batch is not
// tied to any one caller.
//
// A caller that finds a lane free runs it itself until its own call is
// answered, then hands it to a goroutine if calls still wait: a lone
// call is run without waking another goroutine (which cost a comment
// about 100 µs on two cores).
//
// When ctx ends first, Do returns ctx.Err(). A call still queued is
// then taken out and never run; one whose batch already runs may still
// be carried out, as a request whose client went away during its COMMIT
// always could. A caller running a lane returns once its batch is done.
func (l *Lanes[T]) Do(ctx context.Context, c T, done <-chan struct{}, run func(context.Context, []T)) error {
	l.mu.Lock()
	l.queue = append(l.queue, c)
	lead := l.lanes < l.n() && (l.lanes == 0 || len(l.queue) >= l.extraAt())
	if lead {
		l.lanes++
	}
	l.mu.Unlock()
	if lead {
		l.lane(context.WithoutCancel(ctx), done, run)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		select {
		case <-done: // answered meanwhile: the answer beats the context's end
			return nil
		default:
		}
		l.mu.Lock()
		if i := slices.Index(l.queue, c); i >= 0 {
			l.queue = slices.Delete(l.queue, i, i+1)
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// State is the number of calls waiting for a batch and of lanes running
// (for tests that wait for the lanes to settle).
func (l *Lanes[T]) State() (queued, lanes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue), l.lanes
}

func (l *Lanes[T]) n() int {
	if l.N > 0 {
		return l.N
	}
	return DefaultLanes
}

func (l *Lanes[T]) extraAt() int {
	if l.ExtraAt > 0 {
		return l.ExtraAt
	}
	return DefaultExtraAt
}

func (l *Lanes[T]) max() int {
	if l.Max > 0 {
		return l.Max
	}
	return DefaultMax
}

// lane runs batches from the queue until it is empty or, for a caller
// running it (until: its call's done), until that call is answered (by
// this lane or another); then, if calls still wait, a goroutine takes
// the lane over.
func (l *Lanes[T]) lane(ctx context.Context, until <-chan struct{}, run func(context.Context, []T)) {
	held := true // the lane is this function's until it returns or hands it over
	defer func() {
		if held { // run panicked past its own recovery: free the lane
			l.mu.Lock()
			l.lanes--
			l.mu.Unlock()
		}
	}()
	for {
		l.mu.Lock()
		if len(l.queue) == 0 {
			l.lanes--
			held = false
			l.mu.Unlock()
			return
		}
		if until != nil {
			select {
			case <-until:
				held = false
				l.mu.Unlock()
				go l.lane(ctx, nil, run) // the lane goes on for those still queued
				return
			default:
			}
		}
		n := min(len(l.queue), l.max())
		calls := l.queue[:n:n]
		l.queue = append([]T(nil), l.queue[n:]...)
		l.mu.Unlock()
		run(ctx, calls)
	}
}
