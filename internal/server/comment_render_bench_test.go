package server

import "testing"

// BenchmarkPostPage200Cold is BenchmarkPostPage200 with the comment
// fragment cache off: what a view costs when none of its threads is
// cached (the first view after a change to each of them).
func BenchmarkPostPage200Cold(b *testing.B) {
	srv, st, qc := countingServer(b)
	srv.frags = nil
	p, u := benchPost(b, st)
	seedThread(b, st, p.ID, u.ID, 200)
	getPage(b, srv, qc, p.Path())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		getPage(b, srv, qc, p.Path())
	}
}

// BenchmarkPostPage200Parallel is BenchmarkPostPage200 with 32 readers at
// once (SetParallelism on two cores), as the kit's 32 connections load it:
// the shared buffers and the collector show here, not in the serial loop.
func BenchmarkPostPage200Parallel(b *testing.B) {
	srv, st, qc := countingServer(b)
	p, u := benchPost(b, st)
	seedThread(b, st, p.ID, u.ID, 200)
	getPage(b, srv, qc, p.Path())
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			getPage(b, srv, qc, p.Path())
		}
	})
}
