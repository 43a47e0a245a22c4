package wxrimport

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/internal/wxr"
)

// generate writes a WXR file of posts posts with perPost comments each:
// chains of replies five deep (every fifth comment starts a thread), a
// pingback from a distinct source every 50th, CDATA that needs splitting.
func generate(w io.Writer, posts, perPost int) error {
	base := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	wr, err := wxr.NewWriter(w, wxr.Site{Title: "Generated", Link: "https://gen.example", BaseSiteURL: "https://gen.example",
		BaseBlogURL: "https://gen.example", PubDate: base})
	if err != nil {
		return err
	}
	for _, a := range []*wxr.Author{{ID: 1, Login: "ann", DisplayName: "Ann"}, {ID: 2, Login: "bob", DisplayName: "Bob"}} {
		if err := wr.WriteAuthor(a); err != nil {
			return err
		}
	}
	body := strings.Repeat("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit &amp; more.</p>\n", 30)
	text := strings.Repeat("A comment with some words in it, ", 9) + "and a ]]> to split."
	id := int64(1000)
	for p := range posts {
		day := base.Add(time.Duration(p) * time.Hour)
		it := &wxr.Item{ID: int64(p + 1), Title: fmt.Sprintf("Post %d", p+1), Link: fmt.Sprintf("https://gen.example/p/%d/", p+1),
			Creator: []string{"ann", "bob"}[p%2], Content: body, PostType: "post", Status: "publish",
			Name: fmt.Sprintf("post-%d", p+1), CommentStatus: "open", PostDate: day, PostDateGMT: day,
			Categories: []wxr.ItemTerm{{Domain: "category", Nicename: "news", Name: "News"}}}
		it.Comments = make([]wxr.Comment, perPost)
		for c := range it.Comments {
			id++
			cm := wxr.Comment{ID: id, Author: fmt.Sprintf("Reader %d", c), AuthorEmail: fmt.Sprintf("r%d@example.org", c),
				AuthorIP: "192.0.2.1", Date: day.Add(time.Duration(c) * time.Minute), Content: text, Approved: "1"}
			cm.DateGMT = cm.Date
			switch {
			case c%50 == 49:
				cm.Type, cm.AuthorURL = "pingback", fmt.Sprintf("https://other.example/post/%d", c)
			case c%5 != 0:
				cm.ParentID = id - 1
			}
			it.Comments[c] = cm
		}
		if err := wr.WriteItem(it); err != nil {
			return err
		}
	}
	return wr.Close()
}

func generateFile(t testing.TB, name string, posts, perPost int) int64 {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := generate(f, posts, perPost); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(name)
	return fi.Size()
}

func TestPostWith2000Comments(t *testing.T) {
	st := storetest.New(t)
	name := filepath.Join(t.TempDir(), "big.xml")
	generateFile(t, name, 1, 2000)
	rep := mustImport(t, st, name, Options{})
	if rep.Imported["comment"]+rep.Imported["pingback"] != 2000 || len(rep.Skipped) != 0 {
		t.Fatalf("report %+v", rep)
	}
	ctx := context.Background()
	p, err := store.PostBySlug(ctx, st.Pool, post.KindPost, "post-1")
	if err != nil {
		t.Fatal(err)
	}
	flat, err := store.Thread(ctx, st.Pool, p.ID)
	if err != nil || len(flat) != 2000 {
		t.Fatalf("%d comments, %v", len(flat), err)
	}
	// Display order: each thread of five, one below the other, and the
	// pingbacks (top level) in their places by date.
	for i, c := range flat {
		if i > 0 && c.ParentID != 0 && c.ParentID != flat[i-1].ID {
			t.Fatalf("comment %d: parent %d is not the one before (%d)", i, c.ParentID, flat[i-1].ID)
		}
		if c.Depth > 4 {
			t.Fatalf("comment %d at depth %d", i, c.Depth)
		}
	}
	if again := mustImport(t, st, name, Options{}); len(again.Imported) != 0 {
		t.Errorf("second import %v", again.Imported)
	}
}

// TestLargeImport imports a ~50 MB export and reports the rate and the
// heap. It runs only with QUIRE_IMPORT_LARGE=1 (a minute or so); the
// figures are in docs/BENCHMARKS.md.
func TestLargeImport(t *testing.T) {
	if os.Getenv("QUIRE_IMPORT_LARGE") != "1" {
		t.Skip("set QUIRE_IMPORT_LARGE=1 to import a 50 MB file")
	}
	st := storetest.New(t)
	name := filepath.Join(t.TempDir(), "large.xml")
	size := generateFile(t, name, 1100, 40)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	n := 0
	start := time.Now()
	rep := mustImport(t, st, name, Options{Progress: func(int64, *Report) {
		if n++; n%50 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}})
	took := time.Since(start)
	comments := rep.Imported["comment"] + rep.Imported["pingback"]
	t.Logf("file %.1f MB: %d posts, %d comments in %v (%.0f comments/s, two passes); heap %.1f MB before, peak growth %.1f MB",
		float64(size)/1e6, rep.Imported["post"], comments, took.Round(time.Millisecond), float64(comments)/took.Seconds(),
		float64(base)/1e6, float64(int64(peak)-int64(base))/1e6)
	if comments != 1100*40 {
		t.Errorf("%d comments", comments)
	}
	if growth := int64(peak) - int64(base); growth > 64<<20 {
		t.Errorf("heap grew by %d MB", growth>>20)
	}
}

// TestWriteLargeFile writes the generated 50 MB file to
// $QUIRE_WXR_GENERATE, for measuring `quire import wxr` with
// /usr/bin/time (docs/BENCHMARKS.md).
func TestWriteLargeFile(t *testing.T) {
	name := os.Getenv("QUIRE_WXR_GENERATE")
	if name == "" {
		t.Skip("set QUIRE_WXR_GENERATE=FILE to write the 50 MB test file")
	}
	t.Logf("%d bytes", generateFile(t, name, 1100, 40))
}

func BenchmarkImport(b *testing.B) {
	name := filepath.Join(b.TempDir(), "bench.xml")
	generateFile(b, name, 20, 100)
	b.ReportAllocs()
	for b.Loop() {
		st := storetest.New(b)
		mustImport(b, st, name, Options{})
	}
	b.ReportMetric(float64(20*100*b.N)/b.Elapsed().Seconds(), "comments/s")
}
