package loadtest

import (
	"context"
	"io"
	"slices"
	"testing"

	"quire/internal/store"
	"quire/internal/store/storetest"
)

// TestBusyThreadSameInEveryDataset generates two datasets that differ in
// everything but the busy and big posts' sizes, and checks that those two
// posts hold the same text and the same thread (shape, kinds, states,
// authors, bodies) in both: the targets compare the busy post's page
// across datasets, and a page that differed by chance would make the
// database's size look slower or faster than it is. It fails when the
// busy post's comments are drawn from the stream every post shares.
func TestBusyThreadSameInEveryDataset(t *testing.T) {
	small := Spec{Authors: 2, Posts: 10, Tags: 3, Comments: 50, Busy: 40, Big: 25, Seed: 16}
	large := Spec{Authors: 3, Posts: 60, Tags: 5, Comments: 900, Busy: 40, Big: 25, Seed: 16}
	var got [2]map[string][]string
	for i, s := range []Spec{small, large} {
		st := storetest.New(t)
		if err := Generate(context.Background(), st, s, io.Discard); err != nil {
			t.Fatal(err)
		}
		got[i] = map[string][]string{}
		for _, slug := range []string{BusySlug, BigSlug} {
			got[i][slug] = threadOf(t, st, slug)
		}
	}
	for _, slug := range []string{BusySlug, BigSlug} {
		a, b := got[0][slug], got[1][slug]
		if len(a) < 2 || !slices.Equal(a, b) {
			t.Errorf("%s differs between the datasets:\n%q\n%q", slug, a, b)
		}
	}
}

// threadOf describes the post slug's text and its comments in order,
// leaving out what depends on the dataset's size (ids, dates): a
// comment names its parent by how many of the post's comments came before it.
func threadOf(t *testing.T, st *store.Store, slug string) []string {
	t.Helper()
	var out []string
	var body string
	if err := st.Pool.QueryRow(context.Background(), `SELECT body_html FROM posts WHERE slug = $1`, slug).Scan(&body); err != nil {
		t.Fatal(err)
	}
	out = append(out, body)
	rows, err := st.Pool.Query(context.Background(), `SELECT c.depth || ' ' || c.kind || ' ' || c.status || ' ' ||
			c.author_name || ' ' || c.title || ' ' || c.body_html || ' ' || coalesce(host(c.ip), '') || ' ' ||
			coalesce((SELECT count(*) FROM comments e WHERE e.post_id = c.post_id AND e.id < c.parent_id), -1)
		FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.slug = $1 ORDER BY c.id`, slug)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
