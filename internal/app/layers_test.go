package app

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// workflows are the packages app.New builds, relative to internal/.
var workflows = []string{"reading", "publishing", "commenting", "guestposting", "moderating", "accounts",
	"siteadmin", "newsletter", "media/library", "linkbacks", "contacting", "wxrimport"}

// TestWorkflowsSitBelowHTTPAndJobs keeps the layers of docs/ARCHITECTURE.md:
// a workflow may be called by the HTTP layer, the commands and the job
// workers, so it imports none of them (the job workers call workflows;
// a workflow that imported them would close a cycle).
func TestWorkflowsSitBelowHTTPAndJobs(t *testing.T) {
	above := []string{"quire/internal/server", "quire/internal/cli", "quire/internal/jobs", "quire/internal/app"}
	for _, w := range workflows {
		files, err := filepath.Glob(filepath.Join("..", w, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("workflow %s: no files (%v)", w, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, a := range above {
					if path == a || strings.HasPrefix(path, a+"/") {
						t.Errorf("%s imports %s: workflows sit below HTTP, the commands and the job workers", name, path)
					}
				}
			}
		}
	}
}
