package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"quire/internal/commenting"
)

// BenchmarkCommentPost is the comment form's POST through the real
// router and middleware, in process: a guest's comment from its own
// address and e-mail each time, held for first_comment and answered
// with the redirect to it (what `quire bench --modes submit` sends over
// loopback). Run alone it is a batch of one each time; the Parallel form
// sends from 32 goroutines, whose comments share batches.
func BenchmarkCommentPost(b *testing.B) {
	post := commentPostBench(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		post(b, int64(i))
	}
}

// BenchmarkCommentPostParallel is BenchmarkCommentPost from 32 goroutines.
func BenchmarkCommentPostParallel(b *testing.B) {
	post := commentPostBench(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(16) // 32 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			post(b, next.Add(1))
		}
	})
}

var benchFormToken = regexp.MustCompile(`name="form_token" value="([^"]*)"`)

// commentPostBench makes a post on a fresh database, lets forms be sent
// at once, reads the form's token from the page and returns a function
// that posts comment number i and checks its answer.
func commentPostBench(b *testing.B) func(b *testing.B, i int64) {
	srv, st, _ := countingServer(b)
	p, _ := benchPost(b, st)
	ctx := context.Background()
	cfg, err := commenting.LoadSettings(ctx, st.Pool)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MinSeconds = 0
	if err := srv.comments.SaveSettings(ctx, 0, cfg); err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.Path(), nil))
	m := benchFormToken.FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.Fatalf("no form token on %s (%d)", p.Path(), rec.Code)
	}
	action := "/posts/" + strconv.FormatInt(p.ID, 10) + "/comments"
	return func(b *testing.B, i int64) {
		form := "form_token=" + m[1] + "&author_name=Reader&author_email=r" + strconv.FormatInt(i, 10) +
			"%40bench.invalid&body=Comment+" + strconv.FormatInt(i, 10) + "%3A+a+few+words+on+the+post."
		r := httptest.NewRequest(http.MethodPost, action, strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", byte(i>>8), byte(i))
		w := &discardWriter{header: http.Header{}}
		srv.ServeHTTP(w, r)
		if w.code != http.StatusSeeOther || !strings.Contains(w.header.Get("Location"), "?unapproved=") {
			b.Errorf("comment %d: %d, Location %q", i, w.code, w.header.Get("Location"))
		}
	}
}
