package comment

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// wordpressThread is a post with three-level threads like a real blog's:
// the author answers each reader, readers answer each other, pingbacks from
// other blogs sit in the same list, and one reply is held.
func wordpressThread(tb testing.TB) *threadBuilder {
	b := newThreadBuilder(tb, 3)
	say := func(parent int64, name, body string) int64 {
		return b.Add(parent, Comment{AuthorName: name, AuthorEmail: strings.ToLower(name) + "@mail.invalid", BodySource: body})
	}
	ping := func(kind Kind, title, site string) int64 {
		return b.Add(0, Comment{Kind: kind, Title: title, SiteName: site, SourceURL: "https://" + site + "/p/1"})
	}
	c1 := say(0, "Maria", "Great write-up, thanks.")
	a1 := say(c1, "Author", "Thank you, Maria!")
	say(a1, "Maria", "You're welcome.")
	ping(KindPingback, "Links for Tuesday", "links.invalid")
	c2 := say(0, "", "How does this compare with the old approach?")
	a2 := say(c2, "Author", "Faster, mostly.")
	r2 := say(a2, "Jon", "Faster how? Benchmarks?")
	say(r2, "Author", "See the next post.") // deeper than 3 levels: sibling of Jon's
	say(c2, "Jon", "I had the same question.")
	held := say(c1, "Spammer", "cheap pills")
	say(held, "Maria", "Who is this?") // approved reply to a held comment
	ping(KindWebmention, "A response", "blog.invalid")
	say(0, "Lee", "Late to the party.")
	b.byID[held].Status = StatusHeld
	return b
}

func renderThread(roots []*Node) string {
	var sb strings.Builder
	for _, n := range Flatten(roots) {
		fmt.Fprintf(&sb, "%s- #%d depth=%d", strings.Repeat("  ", n.Level), n.ID, n.Depth)
		if n.Status != StatusApproved {
			fmt.Fprintf(&sb, " [%s]", n.Status)
		}
		if n.Orphan {
			fmt.Fprintf(&sb, " orphan(parent #%d)", n.ParentID)
		}
		if n.Kind.IsLinkback() {
			fmt.Fprintf(&sb, " %s: %s — %s\n", n.Kind, n.Title, n.DisplayName())
			continue
		}
		fmt.Fprintf(&sb, " %s: %s\n", n.DisplayName(), n.BodySource)
	}
	return sb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (run go test -update after checking):\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func TestBuildThreadGolden(t *testing.T) {
	b := wordpressThread(t)
	t.Run("all", func(t *testing.T) {
		flat := b.Sorted(nil)
		roots := BuildThread(flat)
		if Count(roots) != len(flat) {
			t.Errorf("Count = %d, want %d", Count(roots), len(flat))
		}
		golden(t, "thread_all", renderThread(roots))
	})
	t.Run("approved", func(t *testing.T) {
		flat := b.Sorted(func(c *Comment) bool { return c.Status == StatusApproved })
		roots := BuildThread(flat)
		golden(t, "thread_approved", renderThread(roots))
		// Flatten gives back path order, orphans included.
		for i, n := range Flatten(roots) {
			if n.ID != flat[i].ID {
				t.Fatalf("Flatten[%d] = #%d, want #%d", i, n.ID, flat[i].ID)
			}
		}
	})
}

func TestBuildThreadEdgeCases(t *testing.T) {
	if BuildThread(nil) != nil || Count(nil) != 0 || len(Flatten(nil)) != 0 {
		t.Error("empty thread should be empty")
	}
	tests := []struct {
		name string
		flat []Comment
		want string // "id:level[o]" per node in Flatten order
	}{
		{"self parent", []Comment{{ID: 1, ParentID: 1}}, "1:0o"},
		{"child before parent", []Comment{{ID: 2, ParentID: 1}, {ID: 1}}, "2:0o 1:0"},
		{"cycle", []Comment{{ID: 1, ParentID: 2}, {ID: 2, ParentID: 1}}, "1:0o 2:1"},
		{"duplicate id", []Comment{{ID: 1}, {ID: 1}, {ID: 2, ParentID: 1}}, "1:0 2:1 1:0"},
		{"orphan subtree keeps its shape", []Comment{{ID: 5, ParentID: 4}, {ID: 6, ParentID: 5}, {ID: 7}}, "5:0o 6:1 7:0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, n := range Flatten(BuildThread(tc.flat)) {
				s := fmt.Sprintf("%d:%d", n.ID, n.Level)
				if n.Orphan {
					s += "o"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

func TestDisplayName(t *testing.T) {
	for _, tc := range []struct {
		c    Comment
		want string
	}{
		{Comment{AuthorName: "  Maria "}, "Maria"},
		{Comment{}, AnonymousName},
		{Comment{Kind: KindPingback, SiteName: "links.invalid"}, "links.invalid"},
		{Comment{Kind: KindComment, SiteName: "links.invalid"}, AnonymousName},
	} {
		if got := tc.c.DisplayName(); got != tc.want {
			t.Errorf("DisplayName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
	if _, err := ParseKind("trackback"); err == nil {
		t.Error("ParseKind(trackback) succeeded")
	}
	if k, err := ParseKind("webmention"); err != nil || !k.IsLinkback() {
		t.Error("ParseKind(webmention) failed")
	}
	if s, err := ParseStatus("held"); err != nil || s != StatusHeld {
		t.Error("ParseStatus(held) failed")
	}
	if _, err := ParseStatus("pending"); err == nil {
		t.Error("ParseStatus(pending) succeeded")
	}
}
