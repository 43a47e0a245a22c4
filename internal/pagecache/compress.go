package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
)

// compressors hands out gzip and brotli writers for building entries and
// takes them back. A writer's state is most of what building an entry
// allocates, whatever the page's size: 9.5 MB for an 11 KB front page,
// 12.7 MB for a 176 KB post, nearly all of it brotli's hash tables. They
// are kept in sync.Pools so that a burst of fills (the pages a change
// dropped, read again) shares a few writers, and whatever is left when
// the fills stop goes back to the collector within two cycles, instead
// of staying resident. The zero value is ready to use.
type compressors struct {
	gzip, brotli sync.Pool
}

// gzipped returns body compressed with gzip at its best level.
func (p *compressors) gzipped(body []byte) ([]byte, error) {
	var out bytes.Buffer
	zw, _ := p.gzip.Get().(*gzip.Writer)
	if zw == nil {
		zw, _ = gzip.NewWriterLevel(&out, gzip.BestCompression)
	} else {
		zw.Reset(&out)
	}
	_, err := zw.Write(body)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	zw.Reset(io.Discard) // keep no reference to out in the pool
	p.gzip.Put(zw)
	return out.Bytes(), err
}

// brotlied returns body compressed with brotli at quality 7 with a 1 MB
// window: close to the best ratio for pages, with a few MB of encoder
// state instead of tens (level 9's default window and hash chains, times
// every concurrent fill, was most of the RSS).
func (p *compressors) brotlied(body []byte) ([]byte, error) {
	var out bytes.Buffer
	bw, _ := p.brotli.Get().(*brotli.Writer)
	if bw == nil {
		bw = brotli.NewWriterOptions(&out, brotli.WriterOptions{Quality: 7, LGWin: 20})
	} else {
		bw.Reset(&out)
	}
	_, err := bw.Write(body)
	if cerr := bw.Close(); err == nil {
		err = cerr
	}
	bw.Reset(io.Discard)
	p.brotli.Put(bw)
	return out.Bytes(), err
}
