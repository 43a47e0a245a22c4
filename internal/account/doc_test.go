package account

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// roleTable renders the role × action table from Can, as docs/SECURITY.md
// shows it: "yes", "own" (only on their own things) or "—".
func roleTable() string {
	var b strings.Builder
	b.WriteString("| action |")
	for _, r := range Roles {
		b.WriteString(" " + r.Label() + " |")
	}
	b.WriteString("\n|---|")
	for range Roles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, a := range Actions {
		b.WriteString("| `" + string(a) + "` |")
		for _, r := range Roles {
			u := &User{ID: 7, Role: r}
			cell := "—"
			switch {
			case Can(u, a, Owned(8)):
				cell = "yes"
			case Can(u, a, Owned(7)):
				cell = "own"
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestSecurityDocRoleTable keeps the table in docs/SECURITY.md equal to what
// Can decides. QUIRE_WRITE_DOCS=1 rewrites it after a deliberate change.
func TestSecurityDocRoleTable(t *testing.T) {
	const begin, end = "<!-- roles:begin -->\n", "<!-- roles:end -->"
	path := filepath.Join("..", "..", "docs", "SECURITY.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	want := roleTable()
	if got := doc[i+len(begin) : j]; got != want {
		if os.Getenv("QUIRE_WRITE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the role table in %s differs from account.Can; run QUIRE_WRITE_DOCS=1 go test ./internal/account/ and review the diff.\nwant:\n%s", path, want)
	}
}
