package wxr

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Generate writes a synthetic WXR file with posts posts of commentsPerPost
// comments each, threaded (every third comment replies to the one before),
// with pingbacks and CDATA that needs splitting, through the Writer.
func Generate(w io.Writer, posts, commentsPerPost int) error {
	base := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	wr, err := NewWriter(w, Site{Title: "Generated", Link: "https://gen.example", Language: "en",
		BaseSiteURL: "https://gen.example", BaseBlogURL: "https://gen.example", PubDate: base})
	if err != nil {
		return err
	}
	for _, a := range []*Author{{ID: 1, Login: "ann", DisplayName: "Ann"}, {ID: 2, Login: "bob", DisplayName: "Bob"}} {
		if err := wr.WriteAuthor(a); err != nil {
			return err
		}
	}
	if err := wr.WriteCategory(&Category{TermID: 1, Nicename: "news", Name: "News"}); err != nil {
		return err
	}
	body := strings.Repeat("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit &amp; more.</p>\n", 30)
	text := strings.Repeat("A comment with some words in it, ", 9) + "and a ]]> to split."
	id := int64(1000)
	for p := 0; p < posts; p++ {
		day := base.Add(time.Duration(p) * time.Hour)
		it := &Item{ID: int64(p + 1), Title: fmt.Sprintf("Post %d", p+1), Link: fmt.Sprintf("https://gen.example/p/%d", p+1),
			GUID: fmt.Sprintf("https://gen.example/?p=%d", p+1), Creator: []string{"ann", "bob"}[p%2],
			Content: body, PostType: "post", Status: "publish", Name: fmt.Sprintf("post-%d", p+1),
			CommentStatus: "open", PingStatus: "open", PostDate: day, PostDateGMT: day,
			Categories: []ItemTerm{{"category", "news", "News"}},
			Meta:       []Meta{{"_edit_last", "1"}}}
		it.Comments = make([]Comment, commentsPerPost)
		for c := range it.Comments {
			id++
			cm := Comment{ID: id, Author: fmt.Sprintf("Reader %d", c), AuthorEmail: fmt.Sprintf("r%d@example.org", c),
				AuthorIP: "192.0.2.1", Date: day.Add(time.Duration(c) * time.Minute), Content: text, Approved: "1"}
			cm.DateGMT = cm.Date
			switch {
			case c%50 == 49:
				cm.Type, cm.AuthorURL = "pingback", "https://other.example/post"
			case c%3 == 2:
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

// generateFile writes Generate's output to a file in dir.
func generateFile(t testing.TB, dir string, posts, comments int) (string, int64) {
	t.Helper()
	name := filepath.Join(dir, "gen.xml")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := Generate(f, posts, comments); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return name, fi.Size()
}

// countFile reads a file and returns how many items and comments it has,
// calling each after every item.
func countFile(t testing.TB, name string, each func()) (items, comments int) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return items, comments
		}
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := rec.(*Item); ok {
			items++
			comments += len(it.Comments)
			if each != nil {
				each()
			}
		}
	}
}

func TestPostWith2000Comments(t *testing.T) {
	name, _ := generateFile(t, t.TempDir(), 1, 2000)
	var last *Item
	f, _ := os.Open(name)
	defer f.Close()
	_, recs := readAll(t, f)
	last = items(recs)[0]
	if len(last.Comments) != 2000 {
		t.Fatalf("%d comments", len(last.Comments))
	}
	c := last.Comments[1999]
	if c.ID != 3000 || c.Type != "pingback" || !strings.HasSuffix(c.Content, "and a ]]> to split.") {
		t.Errorf("last comment = %+v", c)
	}
	if last.Comments[2].ParentID != last.Comments[1].ID {
		t.Errorf("threading lost: %+v", last.Comments[2])
	}
}

// TestLargeFileHeap reads a ~50 MB export and checks that the heap does
// not grow with the file: the Reader must hold one item at a time.
func TestLargeFileHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 50 MB file")
	}
	posts := 1100
	if raceEnabled {
		posts = 220 // the race detector slows encoding/xml ~10×; 10 MB still shows the bound within 20 s
	}
	start := time.Now()
	name, size := generateFile(t, t.TempDir(), posts, 40)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	n := 0
	items, comments := countFile(t, name, func() {
		if n++; n%20 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	})
	if items != posts || comments != posts*40 {
		t.Errorf("read %d items, %d comments", items, comments)
	}
	growth := int64(peak) - int64(base)
	t.Logf("file %.1f MB, heap in use %.1f MB before, peak growth %.1f MB, %v",
		float64(size)/1e6, float64(base)/1e6, float64(growth)/1e6, time.Since(start).Round(time.Millisecond))
	if growth > 64<<20 {
		t.Errorf("heap grew by %d MB reading a %d MB file", growth>>20, size>>20)
	}
}

func BenchmarkReadLarge(b *testing.B) {
	name, size := generateFile(b, b.TempDir(), 1000, 40)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		countFile(b, name, nil)
	}
}

func BenchmarkWriteLarge(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var cw countWriter
		if err := Generate(&cw, 1000, 40); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(cw))
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
