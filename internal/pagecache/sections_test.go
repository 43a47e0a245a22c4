package pagecache

import (
	"testing"
	"time"
)

// TestSectionsFollowTheirThreads: a value is served until its post's
// thread changes, never stored when the thread changed while it was
// built, and a change to one post leaves another's values alone.
func TestSectionsFollowTheirThreads(t *testing.T) {
	c := NewSections[string, string](1<<20, time.Minute)
	get := func(k string) string { v, _ := c.Get(k); return v }

	t1 := c.Ticket(1)
	if !c.Put("a", t1, "post 1", 10) || get("a") != "post 1" {
		t.Fatal("a value built under a current ticket is not served")
	}
	if !c.Put("b", c.Ticket(2), "post 2", 10) {
		t.Fatal("not stored")
	}
	c.InvalidateThread(1)
	if get("a") != "" {
		t.Error("served after its thread changed")
	}
	if get("b") != "post 2" {
		t.Error("another post's thread change dropped this one")
	}

	late := c.Ticket(1)
	c.InvalidateThread(1) // a change commits while the value is built
	if c.Put("a", late, "stale", 10) || get("a") != "" {
		t.Error("a value built across a change was stored")
	}
	if !c.Put("a", c.Ticket(1), "fresh", 10) || get("a") != "fresh" {
		t.Error("a value built after the change is not served")
	}

	all := c.Ticket(2)
	c.InvalidateAll()
	if get("a") != "" || get("b") != "" {
		t.Error("served after everything was dropped")
	}
	if c.Put("b", all, "stale", 10) {
		t.Error("a value built across a reset was stored")
	}
}
