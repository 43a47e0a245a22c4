package library

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"quire/internal/apperr"
)

// TestBusy: when every decoding slot stays taken, an upload is refused as
// "try again" (429 with Retry-After) rather than queueing without end.
func TestBusy(t *testing.T) {
	s := New(nil, nil, slog.New(slog.DiscardHandler), Options{Concurrency: 1, Wait: 20 * time.Millisecond})
	s.working <- struct{}{} // another upload is being resized
	_, err := s.process(context.Background(), []byte("whatever"))
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.TooMany || e.RetryAfter == 0 {
		t.Fatalf("got %v", err)
	}
	<-s.working
	if _, err := s.process(context.Background(), []byte("GIF89a")); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("with a free slot: %v", err)
	}
	if len(s.working) != 0 {
		t.Error("slot not given back")
	}
}
