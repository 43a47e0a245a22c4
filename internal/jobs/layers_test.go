package jobs

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWorkersCallWorkflows keeps the layering of docs/ARCHITECTURE.md: a
// worker decodes its job and calls the workflow that owns the data
// (Workflows); it never imports the store. A worker that needs SQL needs
// a workflow method instead. pgx stays: River's transactions are over the
// queue's own pool (a job inserting the jobs that follow it).
func TestWorkersCallWorkflows(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "quire/internal/store" || strings.HasPrefix(path, "quire/internal/store/") {
				t.Errorf("%s imports %s: call a workflow package (internal/commenting, internal/linkbacks, …) instead", fset.Position(imp.Pos()), path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no source files found: the test runs in the package's folder")
	}
}
