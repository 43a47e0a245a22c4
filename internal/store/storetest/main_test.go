package storetest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryUserStopsTheCluster: a package whose tests take a database
// from this harness must run them through Main (its TestMain), which
// stops the test cluster once they end; without it each run of those
// tests leaves a PostgreSQL running (internal/loadtest did).
func TestEveryUserStopsTheCluster(t *testing.T) {
	uses := regexp.MustCompile(`storetest\.(New|URL)\(`)
	mains := regexp.MustCompile(`storetest\.Main\(`)
	using, stopping := map[string]bool{}, map[string]bool{}
	root := filepath.Join("..", "..") // internal/
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		using[dir] = using[dir] || uses.Match(src)
		stopping[dir] = stopping[dir] || mains.Match(src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for dir, ok := range using {
		if !ok || dir == "." {
			continue
		}
		n++
		if !stopping[dir] {
			t.Errorf("%s takes test databases but has no TestMain calling storetest.Main", dir)
		}
	}
	if n < 5 {
		t.Fatalf("found %d packages using the harness: the walk did not start at internal/", n)
	}
}
