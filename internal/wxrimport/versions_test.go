package wxrimport

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestOlderVersions imports the WXR 1.0 and 1.1 files of the reader's
// tests: WXR 1.0 names tags "tag" and repeats categories without
// attributes.
func TestOlderVersions(t *testing.T) {
	for _, name := range []string{"../../wxr/testdata/wxr10.xml", "../../wxr/testdata/wxr11.xml"} {
		t.Run(name, func(t *testing.T) {
			st := storetest.New(t)
			rep := mustImport(t, st, name, Options{})
			if rep.Imported["post"] == 0 || len(rep.Skipped) != 0 {
				t.Fatalf("report %+v", rep)
			}
			p, err := store.PostBySlug(context.Background(), st.Pool, post.KindPost, "hello-world")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Categories) != 1 || p.Categories[0].Slug != "uncategorized" {
				t.Errorf("categories %v", p.Categories)
			}
			if name == "../../wxr/testdata/wxr10.xml" && (len(p.Tags) != 1 || p.Tags[0].Slug != "misc") {
				t.Errorf("tags %v", p.Tags)
			}
			if n := count(t, st, "SELECT count(*) FROM comments WHERE post_id = $1", p.ID); n == 0 {
				t.Error("no comments")
			}
		})
	}
}

// TestCommentsWithoutIDs: files made by other tools may leave out
// wp:comment_id; their comments are still imported once.
func TestCommentsWithoutIDs(t *testing.T) {
	b, err := os.ReadFile("testdata/blog.xml")
	if err != nil {
		t.Fatal(err)
	}
	b = regexp.MustCompile(`\s*<wp:comment_id>\d+</wp:comment_id>`).ReplaceAll(b, nil)
	name := filepath.Join(t.TempDir(), "noids.xml")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st := storetest.New(t)
	rep := mustImport(t, st, name, Options{})
	if n := rep.Imported["comment"] + rep.Imported["pingback"] + rep.Imported["trackback"] + rep.Imported["webmention"]; n != 15 {
		t.Errorf("imported %v", rep.Imported)
	}
	if again := mustImport(t, st, name, Options{}); len(again.Imported) != 0 {
		t.Errorf("second import %v", again.Imported)
	}
}
