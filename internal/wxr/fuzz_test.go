package wxr

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic, must
// report every failure as a *SyntaxError, and whatever it reads must survive
// a write and a second read unchanged.
func FuzzReader(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.xml")
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			checkSyntaxError(t, err)
			return
		}
		var recs []any
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				checkSyntaxError(t, err)
				return
			}
			recs = append(recs, rec)
		}
		// What was read cleanly must write and read back cleanly.
		_, again := readAll(t, bytes.NewReader(write(t, rd.Site(), recs)))
		if len(again) != len(recs) {
			t.Fatalf("round trip: %d records, want %d", len(again), len(recs))
		}
	})
}

func checkSyntaxError(t *testing.T, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
		t.Fatalf("error %v (%T) is not a positioned *SyntaxError", err, err)
	}
}
