package wxrimport

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"quire/internal/account"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var testRenderer = render.New()

// mustImport imports the file name (under testdata unless absolute) into st.
func mustImport(t testing.TB, st *store.Store, name string, opt Options) *Report {
	t.Helper()
	rep, err := importFile(st, name, opt)
	if err != nil {
		t.Fatalf("importing %s: %v", name, err)
	}
	return rep
}

func importFile(st *store.Store, name string, opt Options) (*Report, error) {
	if !filepath.IsAbs(name) {
		name = filepath.Join("testdata", name)
	}
	im := &Importer{Store: st, Render: testRenderer}
	return im.Import(context.Background(), func() (io.ReadCloser, error) { return os.Open(name) }, opt)
}

// count runs a count(*) query.
func count(t testing.TB, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// tableCounts counts the rows of every table an import writes.
func tableCounts(t testing.TB, st *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range []string{"users", "posts", "terms", "post_terms", "comments", "redirects", "post_old_slugs",
		"import_users", "import_posts", "import_comments", "revisions", "river_job"} {
		out[tb] = count(t, st, "SELECT count(*) FROM "+tb)
	}
	return out
}

// mustUser creates an editor named name and returns its id.
func mustUser(t testing.TB, st *store.Store, name string) int64 {
	t.Helper()
	u := &account.User{Username: name, Email: name + "@example.com", Role: account.Editor}
	if err := store.CreateUser(context.Background(), st.Pool, u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// openTestdata opens a file under testdata, for Importer.Import.
func openTestdata(name string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(filepath.Join("testdata", name)) }
}
