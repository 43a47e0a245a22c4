package commenting_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// BenchmarkSubmit is one guest comment through the whole workflow
// (post, rules, the signals read, the INSERT, the commit), each from its
// own address and e-mail as in `quire bench --modes submit`: every one is
// held for first_comment. Jobs are dropped: their cost is the job's.
func BenchmarkSubmit(b *testing.B) {
	submit := submitBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := submit(int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmitParallel is BenchmarkSubmit from 32 goroutines at once,
// as the kit's 32 connections send them: the comments share batches
// (submit_batch.go). ns/op is the wall time per comment over all of them.
func BenchmarkSubmitParallel(b *testing.B) {
	submit := submitBench(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := submit(next.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// submitBench makes a post on a fresh database and returns a function
// that submits the benchmark's comment number i to it and checks that it
// was held.
func submitBench(b *testing.B) func(i int64) error {
	b.Helper()
	st := storetest.New(b)
	ctx := context.Background()
	u := &account.User{Username: "ann", Email: "ann@mail.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, u); err != nil {
		b.Fatal(err)
	}
	p := &post.Post{AuthorID: u.ID, Title: "Busy", Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	p.Normalize()
	if err := store.CreatePost(ctx, st.Pool, nil, u.ID, p); err != nil {
		b.Fatal(err)
	}
	svc := &commenting.Service{Store: st, Render: render.New(), Jobs: noJobs{}, Key: []byte("k")}
	return func(i int64) error {
		ip := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		res, err := svc.Submit(ctx, commenting.Submission{PostID: p.ID, IP: ip, SinceForm: 4 * time.Second,
			Draft: comment.Draft{AuthorName: "Reader", AuthorEmail: fmt.Sprintf("r%d@bench.invalid", i),
				Body: fmt.Sprintf("Comment %d: a few words on the post, as readers write them.", i)}})
		if err != nil {
			return err
		}
		if res.Comment.Status != comment.StatusHeld {
			return fmt.Errorf("comment %d: %s, want held", i, res.Comment.Status)
		}
		return nil
	}
}
