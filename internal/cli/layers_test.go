package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCommandsCallWorkflows keeps the layering of docs/ARCHITECTURE.md:
// a command opens the database, builds the workflows (app.New, or the one
// it needs) and calls them; it names nothing of internal/store but what
// opening the database takes, and runs no SQL of its own. A command that
// needs SQL needs a workflow method instead.
func TestCommandsCallWorkflows(t *testing.T) {
	// The composition root's share of the store: opening the primary and
	// the replica, and the types holding them (their methods, Migrate and
	// MigrationStatuses among them, are the schema's, not a workflow's).
	allowed := map[string]bool{"Open": true, "OpenReplica": true, "Store": true, "Replica": true}
	// Statements and transactions belong in the workflow packages.
	sql := map[string]bool{"Exec": true, "Query": true, "QueryRow": true, "SendBatch": true, "CopyFrom": true,
		"Begin": true, "BeginTx": true, "Transact": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		// bench*.go seed and drive a throwaway database for load tests
		// (internal/loadtest's command line), outside the workflows by design.
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "bench") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		storeName := ""
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "quire/internal/store" {
				storeName = "store"
				if imp.Name != nil {
					storeName = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && storeName != "" && id.Name == storeName && !allowed[n.Sel.Name] {
					t.Errorf("%s uses store.%s: call a workflow package (internal/accounts, internal/publishing, …) instead",
						fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sql[sel.Sel.Name] {
					t.Errorf("%s calls %s: SQL and transactions belong in the workflow packages", fset.Position(n.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no command files found")
	}
}
