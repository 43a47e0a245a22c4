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
	return compress(&p.gzip, body, func(w io.Writer) resetWriter {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // a valid level: no error
		return zw
	})
}

// brotlied returns body compressed with brotli at quality 7 with a 1 MB
// window: close to the best ratio for pages, with a few MB of encoder
// state instead of tens (level 9's default window and hash chains, times
// every concurrent fill, was most of the RSS).
func (p *compressors) brotlied(body []byte) ([]byte, error) {
	return compress(&p.brotli, body, func(w io.Writer) resetWriter {
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: 7, LGWin: 20})
	})
}

// resetWriter is a compressor that can be pointed at a new output:
// *gzip.Writer and *brotli.Writer.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// compress writes body through a writer from pool (or one made by
// fresh) and puts the writer back.
func compress(pool *sync.Pool, body []byte, fresh func(io.Writer) resetWriter) ([]byte, error) {
	var out bytes.Buffer
	w, _ := pool.Get().(resetWriter)
	if w == nil {
		w = fresh(&out)
	} else {
		w.Reset(&out)
	}
	_, err := w.Write(body)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	w.Reset(io.Discard) // keep no reference to out in the pool
	pool.Put(w)
	return out.Bytes(), err
}
