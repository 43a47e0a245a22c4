package loadtest

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// BenchmarkStaticHalfPeak is the steady mode's p99/p50 check on the
// static baseline alone: a 140 KB page (the busy post's size) served from
// memory, its peak found with 32 connections closed-loop, then loaded
// open-loop at half that rate by the same generator. What it reports is
// the machine's and the generator's own tail, the floor under any
// server's p99/p50 measured this way on this machine.
//
//	go test ./internal/loadtest -run '^$' -bench StaticHalfPeak -benchtime 1x -count 3
func BenchmarkStaticHalfPeak(b *testing.B) {
	body := bytes.Repeat([]byte("<p>static words</p>\n"), 140<<10/20)
	s, err := ServeStatic(body, "text/html; charset=utf-8")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for b.Loop() {
		peak, err := Load{URL: s.URL, Conns: 32, Duration: 5 * time.Second}.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		half, err := Load{URL: s.URL, Conns: 32, Duration: 5 * time.Second, Rate: peak.RPS() / 2}.Run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(peak.RPS(), "peak-req/s")
		b.ReportMetric(half.RPS(), "half-req/s")
		b.ReportMetric(float64(half.P50.Microseconds()), "p50-µs")
		b.ReportMetric(float64(half.P99.Microseconds()), "p99-µs")
		b.ReportMetric(float64(half.P99)/float64(half.P50), "p99/p50")
		b.ReportMetric(float64(half.SentP99)/float64(half.SentP50), "sent-p99/p50")
	}
}
