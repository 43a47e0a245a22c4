package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestCountHeldMail: counts of held-item mail against an hourly budget,
// one job's items at a time; the first count that holds any back says
// so, once an hour and recipient.
func TestCountHeldMail(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	hour := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	steps := []struct {
		email     string
		hour      time.Time
		n, budget int
		sent      int
		first     bool
	}{
		{"Mo@Staff.invalid", hour, 3, 10, 3, false},
		{"mo@staff.invalid", hour, 6, 10, 6, false}, // addresses compare without case
		{"mo@staff.invalid", hour, 4, 10, 1, true},  // the tenth goes, three are held back
		{"mo@staff.invalid", hour, 2, 10, 0, false}, // held back, digest already due
		{"ed@staff.invalid", hour, 12, 10, 10, true},
		{"mo@staff.invalid", hour.Add(time.Hour), 1, 10, 1, false}, // a new hour
		{"al@staff.invalid", hour, 2, 0, 0, true},
	}
	for i, s := range steps {
		sent, first, err := store.CountHeldMail(ctx, st.Pool, s.email, s.hour, s.n, s.budget)
		if err != nil || sent != s.sent || first != s.first {
			t.Errorf("step %d (%s, %d of budget %d): sent %d, first held back %v, %v; want %d, %v",
				i, s.email, s.n, s.budget, sent, first, err, s.sent, s.first)
		}
	}
	for email, want := range map[string]int{"mo@staff.invalid": 5, "ed@staff.invalid": 2, "al@staff.invalid": 2} {
		if n, err := store.HeldMailFolded(ctx, st.Pool, email, hour); n != want || err != nil {
			t.Errorf("%s: %d held back, %v; want %d", email, n, err, want)
		}
	}
}
