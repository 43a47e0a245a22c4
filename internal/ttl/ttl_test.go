package ttl

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestValue(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	loads, fail := 0, false
	v := New(10*time.Second, clock, func(context.Context) (int, error) {
		if fail {
			return 0, errors.New("down")
		}
		loads++
		return loads, nil
	})
	ctx := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		forget  bool
		fail    bool
		want    int
		wantErr bool
	}{
		{"first load", 0, false, false, 1, false},
		{"cached", 5 * time.Second, false, false, 1, false},
		{"expired", 6 * time.Second, false, false, 2, false},
		{"forgotten", 0, true, false, 3, false},
		{"load fails: stale value kept", 0, true, true, 3, true},
		{"recovers", 0, false, false, 4, false},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		fail = s.fail
		if s.forget {
			v.Forget()
		}
		got, err := v.Get(ctx)
		if got != s.want || (err != nil) != s.wantErr {
			t.Fatalf("%s: got %d, %v; want %d, error %v", s.name, got, err, s.want, s.wantErr)
		}
	}
}

func TestValueErrorWithoutGoodValue(t *testing.T) {
	v := New(time.Minute, nil, func(context.Context) (string, error) { return "ignored", errors.New("down") })
	got, err := v.Get(context.Background())
	if err == nil || got != "" {
		t.Fatalf("got %q, %v; want zero value and an error", got, err)
	}
}
