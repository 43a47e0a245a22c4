package wxrimport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/internal/wxr"
)

// snapshot describes a blog in the terms a reader and its admins see it,
// without database ids: users, posts with terms, old slugs and sticky
// flags, and each post's comments in thread order with their parent named
// by position.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rows := func(sql string) {
		rs, err := st.Pool.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		vals, err := pgx.CollectRows(rs, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			b.WriteString(v + "\n")
		}
	}
	rows(`SELECT concat_ws(' | ', username, email, display_name, role, password_hash = '') FROM users ORDER BY username`)
	rows(`SELECT concat_ws(' | ', p.kind, p.slug, p.title, p.status, p.published_at, p.created_at, p.comment_policy, u.username,
		p.body_html, p.excerpt_html, p.body_text,
		(SELECT string_agg(t.kind || ':' || t.slug || ':' || t.name, ',' ORDER BY t.kind, t.slug) FROM post_terms pt JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = p.id),
		(SELECT string_agg(o.slug, ',' ORDER BY o.slug) FROM post_old_slugs o WHERE o.post_id = p.id),
		(SELECT bool_or(sticky) FROM import_posts m WHERE m.post_id = p.id), p.pinned)
		FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.kind, p.slug`)
	rows(`SELECT concat_ws(' | ', p.slug, c.depth, (SELECT count(*) FROM comments e WHERE e.post_id = c.post_id AND e.path < c.path),
		(SELECT count(*) FROM comments e WHERE e.post_id = c.post_id AND e.path < (SELECT path FROM comments x WHERE x.id = c.parent_id)),
		c.kind, c.status, c.author_name, c.author_email, c.author_url, host(c.ip), c.body_html, c.source_url, c.title, c.site_name,
		c.created_at, u.username, (SELECT m.wxr_type FROM import_comments m WHERE m.comment_id = c.id))
		FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN users u ON u.id = c.user_id ORDER BY p.kind, p.slug, c.path`)
	return b.String()
}

func export(t *testing.T, st *store.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	ctx := context.Background()
	if err := Export(ctx, st.Pool, Site(ctx, st.Pool, "https://quire.example"), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoundTrip exports an imported blog and imports the file into an
// empty Quire: the two blogs must be the same.
func TestRoundTrip(t *testing.T) {
	a := storetest.New(t)
	mustImport(t, a, "blog.xml", Options{})
	file := export(t, a)
	b := storetest.New(t)
	im := &Importer{Store: b, Render: testRenderer}
	rep, err := im.Import(context.Background(), func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(file)), nil }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 0 {
		t.Errorf("round trip skipped %v", rep.Skipped)
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	if sa != sb {
		la, lb := strings.Split(sa, "\n"), strings.Split(sb, "\n")
		for i := range min(len(la), len(lb)) {
			if la[i] != lb[i] {
				t.Errorf("line %d differs:\n  first:  %s\n  second: %s", i, la[i], lb[i])
			}
		}
		if len(la) != len(lb) {
			t.Errorf("%d lines, then %d", len(la), len(lb))
		}
	}
	// And the export of the copy is the export of the original, but for
	// ids and the export time.
	if n := strings.Count(string(export(t, b)), "<wp:comment>"); n != strings.Count(string(file), "<wp:comment>") {
		t.Errorf("second export has %d comments", n)
	}
	if !bytes.Contains(file, []byte("<wp:comment_type><![CDATA[trackback]]></wp:comment_type>")) ||
		!bytes.Contains(file, []byte("<wp:is_sticky>1</wp:is_sticky>")) {
		t.Error("export lost the trackback type or the sticky flag")
	}
}

// TestExportReadsAsWXR checks the export with the reader: every post,
// comment and thread link is there.
func TestExportReadsAsWXR(t *testing.T) {
	st := storetest.New(t)
	mustImport(t, st, "blog.xml", Options{})
	rd, err := wxr.NewReader(bytes.NewReader(export(t, st)))
	if err != nil {
		t.Fatal(err)
	}
	items, comments, replies := 0, 0, 0
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := rec.(*wxr.Item); ok {
			items++
			for _, c := range it.Comments {
				comments++
				if c.ParentID != 0 {
					replies++
				}
			}
		}
	}
	want := fmt.Sprint(10, 15, 6) // 9 posts and a page; 15 comments, 6 of them replies
	if got := fmt.Sprint(items, comments, replies); got != want {
		t.Errorf("items, comments, replies = %s, want %s", got, want)
	}
}
