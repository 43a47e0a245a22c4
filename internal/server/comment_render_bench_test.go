package server

import (
	"strings"
	"testing"
	"time"

	"quire/internal/store"
)

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
	parallelPostPage(b, srv, st, qc)
}

// parallelPostPage loads a post with 200 comments from 32 readers at once.
func parallelPostPage(b *testing.B, srv *Server, st *store.Store, qc *queryCounter) {
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

// BenchmarkFragmentKey hashes the keys of a page of 50 threads (200
// comments of about 600 bytes of HTML), as every view of a busy post does.
func BenchmarkFragmentKey(b *testing.B) {
	f := newCommentFrags(1 << 20)
	body := strings.Repeat("<p>A comment of some length, with words.</p>", 14)
	items := make([]commentItem, 50)
	for i := range items {
		it := commentItem{ID: int64(i), Name: "Maria Example", AuthorURL: "https://example.com/", Class: "comment", Initials: "ME", Hue: "hue-3",
			BodyHTML: body, Ago: "3 hours ago", ISO: "2026-12-05T00:00:00Z", Exact: "5 December 2026, 00:00 UTC", ReplyURL: "/posts/busy?replyto=1#respond"}
		for j := range 3 {
			c := it
			c.ID = int64(1000 + 3*i + j)
			it.Children = append(it.Children, c)
		}
		items[i] = it
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range items {
			f.key(1, &items[i])
		}
	}
}

// BenchmarkPostPage200Sections is BenchmarkPostPage200Parallel with the
// section cache, as `quire serve` runs (its bus is replaced by a cache
// that nothing invalidates: nothing changes during the loop). What is
// left is the page around the comment list.
func BenchmarkPostPage200Sections(b *testing.B) {
	srv, st, qc := countingServer(b)
	srv.sections = newCommentSections(24<<20, time.Hour, func() bool { return true })
	parallelPostPage(b, srv, st, qc)
	if srv.sections.hits.Load() == 0 {
		b.Fatal("no page came from the section cache")
	}
}
