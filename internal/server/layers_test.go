package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHandlersStayHTTP keeps the layering of docs/ARCHITECTURE.md: the HTML
// and JSON handlers translate HTTP and call the workflow packages; they
// never import the store, pgx, nor open a transaction. A handler that needs
// SQL needs a workflow method instead.
func TestHandlersStayHTTP(t *testing.T) {
	forbidden := map[string]string{
		"quire/internal/store":    "call a workflow package (internal/publishing, internal/accounts, …) instead",
		"github.com/jackc/pgx/v5": "transactions belong in the workflow packages",
		"quire/internal/jobs":     "the workflows enqueue jobs, in their transactions",
	}
	calls := map[string]bool{"Transact": true, "Begin": true, "BeginTx": true}
	for _, dir := range []string{".", "api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if why, bad := forbidden[path]; bad {
					t.Errorf("%s imports %s: %s", fset.Position(imp.Pos()), path, why)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok && calls[sel.Sel.Name] && !pageCache(sel.X) {
						t.Errorf("%s calls %s: transactions belong in the workflow packages", fset.Position(c.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// pageCache reports whether x is s.pages, whose Begin starts a page-cache
// fill, not a transaction.
func pageCache(x ast.Expr) bool {
	sel, ok := x.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "pages"
}
