package wxrimport

import (
	"context"
	"errors"
	"testing"

	"quire/internal/store/storetest"
)

// TestResumeAfterInterruption stops an import after a few posts (as a
// crash or a lost connection would) and runs it again: the result is the
// same as one uninterrupted import.
func TestResumeAfterInterruption(t *testing.T) {
	whole := storetest.New(t)
	mustImport(t, whole, "blog.xml", Options{})

	st := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	items := 0
	im := &Importer{Store: st, Render: testRenderer}
	_, err := im.Import(ctx, openTestdata("blog.xml"), Options{Progress: func(_ int64, r *Report) {
		if r.Items != items {
			if items = r.Items; items == 3 {
				cancel()
			}
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted import: %v", err)
	}
	if n := count(t, st, "SELECT count(*) FROM posts"); n == 0 || n >= 10 {
		t.Fatalf("%d posts after the interruption", n)
	}
	rep := mustImport(t, st, "blog.xml", Options{})
	if rep.Existing["post"] == 0 || rep.Imported["post"] == 0 {
		t.Errorf("resumed import: %+v", rep)
	}
	if a, b := snapshot(t, whole), snapshot(t, st); a != b {
		t.Errorf("resumed import differs from a whole one:\n%s\n---\n%s", a, b)
	}
}

// TestConcurrentImports runs the same import twice at once (a retried
// job and a CLI run): the source's lock makes the result one import.
func TestConcurrentImports(t *testing.T) {
	whole := storetest.New(t)
	mustImport(t, whole, "blog.xml", Options{})
	st := storetest.New(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := importFile(st, "blog.xml", Options{})
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if a, b := snapshot(t, whole), snapshot(t, st); a != b {
		t.Errorf("two imports at once differ from one:\n%s\n---\n%s", a, b)
	}
}
