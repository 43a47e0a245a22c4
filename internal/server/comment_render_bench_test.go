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
