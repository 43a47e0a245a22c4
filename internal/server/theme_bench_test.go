package server

import "testing"

// BenchmarkPostPage200 renders a post page with 200 threaded comments: the
// figure the public theme must not make slower (docs/BENCHMARKS.md).
func BenchmarkPostPage200(b *testing.B) {
	srv, st, qc := countingServer(b)
	p, u := benchPost(b, st)
	seedThread(b, st, p.ID, u.ID, 200)
	getPage(b, srv, qc, p.Path())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		getPage(b, srv, qc, p.Path())
	}
}
