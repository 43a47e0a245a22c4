package linkbacks

import (
	"context"
	"testing"
	"time"
)

// TestSettlementsWake: a settlement wakes every waiter of its request and
// no other; a later settlement wakes again; the last waiter to leave
// removes the entry.
func TestSettlementsWake(t *testing.T) {
	var s settlements
	a1, a2, b := s.watch(1), s.watch(1), s.watch(2)
	s.settle(1)
	for i, ch := range []<-chan struct{}{a1, a2} {
		select {
		case <-ch:
		default:
			t.Fatalf("waiter %d of request 1 not woken", i+1)
		}
	}
	select {
	case <-b:
		t.Fatal("request 2's waiter woken by request 1")
	default:
	}
	again := s.current(1)
	select {
	case <-again:
		t.Fatal("the next settlement's channel is already closed")
	default:
	}
	s.settle(1)
	select {
	case <-again:
	default:
		t.Fatal("a second settlement did not wake")
	}
	s.settle(3) // nobody waits: nothing to do
	s.unwatch(1)
	s.unwatch(1)
	s.unwatch(2)
	if len(s.m) != 0 || s.current(1) != nil {
		t.Fatalf("entries left: %v", s.m)
	}

	// A flood wakes every wait that took the signal; a later wait takes
	// a new one.
	f1, f2 := s.floodSignal(), s.floodSignal()
	s.flooding()
	for _, ch := range []<-chan struct{}{f1, f2} {
		select {
		case <-ch:
		default:
			t.Fatal("a wait not woken by the flood")
		}
	}
	select {
	case <-s.floodSignal():
		t.Fatal("the next flood's signal is already closed")
	default:
	}
}

// TestAwaitEndsWhenAFloodBegins: a ping whose batch allowed the bounded
// wait (few verifications pending) stops waiting when a flood begins
// during its wait: a batch on the node that counts more than WaitQueue
// pending wakes it, and it answers "pending" long before its deadline.
// (No verification worker runs here, so only the flood can end the wait
// early.) A flood on another node is seen by the wait's next poll.
func TestAwaitEndsWhenAFloodBegins(t *testing.T) {
	for _, otherNode := range []bool{false, true} {
		t.Run(map[bool]string{false: "this node", true: "another node"}[otherNode], func(t *testing.T) {
			s, _, slug := batchFixture(t)
			s.Limits.Wait, s.Limits.WaitQueue = time.Minute, 2
			first := runQueuedWait(t, s, slug, 2, "http://a.invalid/0")[0]
			if first.err != nil || first.pending != 1 {
				t.Fatalf("first request: pending %d, %v", first.pending, first.err)
			}
			type answer struct {
				state string
				took  time.Duration
			}
			done := make(chan answer, 1)
			go func() {
				t0 := time.Now()
				state, _, _ := s.Await(context.Background(), &Receipt{Request: first.l, Pending: first.pending})
				done <- answer{state, time.Since(t0)}
			}()
			select {
			case a := <-done:
				t.Fatalf("answered %q before the flood", a.state)
			case <-time.After(300 * time.Millisecond):
			}
			flood := s
			if otherNode { // the same database, another node's settlements
				flood = &Service{Store: s.Store, Jobs: s.Jobs, Limits: s.Limits, BaseURL: s.BaseURL, Comments: s.Comments}
			}
			sig := s.settled.floodSignal()
			runQueuedWait(t, flood, slug, 2, "http://a.invalid/1", "http://a.invalid/2", "http://a.invalid/3")
			select {
			case <-sig:
				if otherNode {
					t.Error("another node's flood signalled this node's waits (it is seen by polling)")
				}
			default:
				if !otherNode {
					t.Error("the flood's batch did not signal the node's waits")
				}
			}
			select {
			case a := <-done:
				if a.state != "pending" {
					t.Errorf("answered %q, want pending", a.state)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("still waiting 10 s after the flood began (the wait's bound is a minute)")
			}
		})
	}
}

// TestArrivingBurstIsAFlood: more requests arriving on the node at once
// than the bounded wait allows is a flood before any of their rows is
// pending: the batch puts its verification off and signals the node's
// waits, and Await answers at once. A lone request is not.
func TestArrivingBurstIsAFlood(t *testing.T) {
	s, q, slug := batchFixture(t)
	s.Limits.Wait, s.Limits.WaitQueue = time.Minute, 2
	lone := runQueuedWait(t, s, slug, 2, "http://a.invalid/lone")[0]
	if lone.err != nil || lone.flood {
		t.Fatalf("a lone request: flood %v, %v", lone.flood, lone.err)
	}
	// Three requests inside Accept at once (as a burst parked in the
	// lanes would be): with this batch's own, over WaitQueue.
	s.arriving.Add(3)
	sig := s.settled.floodSignal()
	c := runQueuedWait(t, s, slug, 2, "http://a.invalid/burst")[0]
	if c.err != nil || !c.flood || c.pending > 2 {
		t.Fatalf("a request of a burst: pending %d, flood %v, %v; want a flood with few pending", c.pending, c.flood, c.err)
	}
	select {
	case <-sig:
	default:
		t.Error("the burst's batch did not signal the node's waits")
	}
	q.read(t, s.Store)
	if q.later != 1 || len(q.committed) != 2 || !q.at["http://a.invalid/lone"].IsZero() || q.at["http://a.invalid/burst"].IsZero() {
		t.Errorf("events %d, jobs %q at %v; want the burst's verification put off, the lone one's not", q.later, q.committed, q.at)
	}
	for _, r := range []*Receipt{
		{Request: c.l, Pending: c.pending, Flood: true}, // the burst's own answer
		{Request: lone.l, Pending: 1, Flood: false},     // a wait begun while the burst arrives
	} {
		done := make(chan string, 1)
		go func() { st, _, _ := s.Await(context.Background(), r); done <- st }()
		select {
		case st := <-done:
			if st != "pending" {
				t.Errorf("answered %q, want pending", st)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("receipt %+v: still waiting 10 s into a burst (the wait's bound is a minute)", r)
		}
	}
	s.arriving.Add(-3)
}
