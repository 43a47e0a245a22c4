package linkbacks

import "testing"

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
}
