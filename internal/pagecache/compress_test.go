package pagecache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// page returns a page of about size bytes: comments of words drawn from
// a small vocabulary, like a thread, so that it compresses as pages do.
func page(seed uint64, size int) []byte {
	words := strings.Fields("the a post comment reply thread blog write read today said think good idea why because " +
		"quire server page cache go postgres html link time people world work again never always maybe")
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("<!doctype html><html><head><title>A thread</title></head><body><main>")
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `<article class="comment" id="c%d"><header><a href="https://example.org/%d">Reader %d</a> <time datetime="2026-12-0%dT10:%02d:00Z">%d minutes ago</time></header><p>`,
			n, r.IntN(1000), r.IntN(500), 1+r.IntN(7), r.IntN(60), r.IntN(60))
		for range 20 + r.IntN(60) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("</p></article>\n")
	}
	b.WriteString("</main></body></html>")
	return b.Bytes()
}

// TestCompressorsReuse: writers taken back and handed out again compress
// each page exactly as new ones do, and the bytes unpack to the page.
func TestCompressorsReuse(t *testing.T) {
	var p compressors
	for i, body := range [][]byte{page(1, 170<<10), page(2, 11<<10), page(3, 170<<10), page(2, 11<<10)} {
		got, fresh := p.entry(nil, body), NewEntry(nil, body)
		if !bytes.Equal(got.Gzip, fresh.Gzip) || !bytes.Equal(got.Brotli, fresh.Brotli) {
			t.Fatalf("page %d: reused writers made other bytes than new ones (gzip %d/%d, brotli %d/%d)",
				i, len(got.Gzip), len(fresh.Gzip), len(got.Brotli), len(fresh.Brotli))
		}
		if got.Gzip == nil || got.Brotli == nil {
			t.Fatalf("page %d: not compressed", i)
		}
		zr, err := gzip.NewReader(bytes.NewReader(got.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]io.Reader{"gzip": zr, "brotli": brotli.NewReader(bytes.NewReader(got.Brotli))} {
			if b, err := io.ReadAll(r); err != nil || !bytes.Equal(b, body) {
				t.Fatalf("page %d: %s unpacks to another page (%v)", i, name, err)
			}
		}
	}
}

// BenchmarkCompress: building a cached entry for a 170 KB post page and
// an 11 KB front page (both compressions), as a burst of fills does.
func BenchmarkCompress(b *testing.B) {
	for _, size := range []int{170 << 10, 11 << 10} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			body := page(1, size)
			c := New(64<<20, time.Minute, nil)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				c.Compress(nil, body)
			}
		})
	}
}
