package library

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"quire/internal/apperr"
	"quire/internal/media/mediatest"
)

// TestBusy: when the decoding memory budget stays taken, an upload is
// refused as "try again" (429 with Retry-After) rather than queueing
// without end; with the budget free it goes on, and gives its share back.
func TestBusy(t *testing.T) {
	s := New(nil, nil, slog.New(slog.DiscardHandler), Options{Concurrency: 1, Wait: 20 * time.Millisecond})
	img := mediatest.JPEG(t, mediatest.Photo(64, 48))
	if err := s.budget.Acquire(context.Background(), s.total); err != nil { // another upload is being resized
		t.Fatal(err)
	}
	_, err := s.process(context.Background(), img)
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.TooMany || e.RetryAfter == 0 {
		t.Fatalf("got %v", err)
	}
	s.budget.Release(s.total)
	if _, err := s.process(context.Background(), img); err != nil {
		t.Fatalf("with the budget free: %v", err)
	}
	if !s.budget.TryAcquire(s.total) {
		t.Error("the upload's share was not given back")
	}
}

// TestBudgetInBytes: small images share the budget, so several are
// decoded at once; one whose cost fills the budget waits for the rest.
func TestBudgetInBytes(t *testing.T) {
	s := New(nil, nil, slog.New(slog.DiscardHandler), Options{Concurrency: 1, Wait: 20 * time.Millisecond})
	small := mediatest.JPEG(t, mediatest.Photo(64, 48))
	// Hold all but a sliver: a small image still fits, so it goes on.
	if err := s.budget.Acquire(context.Background(), s.total-64*48*8); err != nil {
		t.Fatal(err)
	}
	if _, err := s.process(context.Background(), small); err != nil {
		t.Fatalf("a small image beside a big one: %v", err)
	}
}
