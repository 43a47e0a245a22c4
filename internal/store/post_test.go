package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
)

var rnd = render.New()

// mustUser creates a user with role.
func mustUser(tb testing.TB, db store.DB, name string, role account.Role) *account.User {
	tb.Helper()
	u := &account.User{Username: name, Email: name + "@example.invalid", Role: role, DisplayName: strings.ToUpper(name[:1]) + name[1:]}
	if err := store.CreateUser(context.Background(), db, u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// mustPost creates a post by author with status and date; tags are names.
func mustPost(tb testing.TB, db store.DB, author *account.User, title string, st post.Status, at time.Time, tags ...string) *post.Post {
	tb.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, BodySource: "Body of *" + title + "*.", Status: st, PublishedAt: at}
	for _, t := range tags {
		p.Tags = append(p.Tags, post.NewTerm(post.Tag, t))
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := p.Render(rnd); err != nil {
		tb.Fatal(err)
	}
	if err := store.CreatePost(context.Background(), db, nil, author.ID, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestCreateAndGet(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	now := time.Now()
	p := mustPost(t, s.Pool, ann, "Hello, Wörld", post.Published, now, "Go", "PostgreSQL")
	if p.ID == 0 || p.Slug != "hello-world" || p.Tags[0].ID == 0 {
		t.Fatalf("created: %+v", p)
	}
	p2 := mustPost(t, s.Pool, ann, "Hello World!", post.Draft, time.Time{}, "go")
	if p2.Slug != "hello-world-2" {
		t.Errorf("second slug = %q", p2.Slug)
	}
	if p2.Tags[0].ID != p.Tags[0].ID || p2.Tags[0].Name != "Go" {
		t.Errorf("tag not shared: %+v vs %+v", p2.Tags, p.Tags)
	}
	got, err := store.PostBySlug(ctx, s.Pool, post.KindPost, "hello-world")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != p.ID || got.Author.Username != "ann" || got.BodySource != p.BodySource ||
		!strings.Contains(got.BodyHTML, "<em>Hello, Wörld</em>") || len(got.Tags) != 2 || got.Tags[0].Name != "Go" {
		t.Errorf("got %+v", got)
	}
	if _, err := store.PostByID(ctx, s.Pool, 999999); err != apperr.ErrNotFound {
		t.Errorf("missing: %v", err)
	}
	dup := &post.Post{AuthorID: ann.ID, Title: "X", Slug: "hello-world"}
	dup.Normalize()
	err = store.CreatePost(ctx, s.Pool, nil, ann.ID, dup)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.Conflict || e.Fields["slug"] == "" {
		t.Errorf("taken slug: %v", err)
	}
	var audits int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'post.create'`).Scan(&audits); err != nil || audits != 2 {
		t.Errorf("audit rows = %d, %v", audits, err)
	}
}

func TestUpdateRevisionsSlugsTerms(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	ed := mustUser(t, s.Pool, "eve", account.Editor)
	p := mustPost(t, s.Pool, ann, "First title", post.Draft, time.Time{}, "a", "b")

	// Saving a draft keeps no revision.
	p.BodySource = "draft 2"
	mustUpdate(t, s, ann.ID, p)
	// Publishing, then editing the published post, keeps the published version.
	p.Status, p.PublishedAt = post.Published, time.Now()
	mustUpdate(t, s, ann.ID, p)
	p.Title, p.Slug, p.BodySource = "Second title", "second-title", "edited"
	p.Tags = []post.Term{post.NewTerm(post.Tag, "b"), post.NewTerm(post.Tag, "c")}
	mustUpdate(t, s, ed.ID, p)

	revs, err := store.Revisions(ctx, s.Pool, p.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions: %v %v", revs, err)
	}
	r := revs[0]
	if r.Title != "First title" || r.BodySource != "draft 2" || r.EditorName != "Ann" || r.Slug != "first-title" {
		t.Errorf("revision: %+v", r)
	}
	if cur, err := store.SlugRedirect(ctx, s.Pool, post.KindPost, "first-title"); err != nil || cur != "second-title" {
		t.Errorf("old slug → %q, %v", cur, err)
	}
	got, _ := store.PostByID(ctx, s.Pool, p.ID)
	if post.JoinTerms(got.Tags) != "b, c" || got.EditorID != ed.ID {
		t.Errorf("after update: tags %q editor %d", post.JoinTerms(got.Tags), got.EditorID)
	}

	// Restore: the restored version is saved like an edit.
	rev, err := store.RevisionByID(ctx, s.Pool, p.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Restore(rev)
	if err := got.Render(rnd); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, ed.ID, got)
	got, _ = store.PostByID(ctx, s.Pool, p.ID)
	if got.Title != "First title" || got.Slug != "first-title" {
		t.Errorf("restored: %q %q", got.Title, got.Slug)
	}
	if revs, _ := store.Revisions(ctx, s.Pool, p.ID); len(revs) != 2 || revs[0].Title != "Second title" {
		t.Errorf("after restore: %+v", revs)
	}
	// The slug came back: it is no longer an "old" slug; the other one is.
	if _, err := store.SlugRedirect(ctx, s.Pool, post.KindPost, "first-title"); err != apperr.ErrNotFound {
		t.Errorf("current slug still redirects: %v", err)
	}
	if cur, _ := store.SlugRedirect(ctx, s.Pool, post.KindPost, "second-title"); cur != "first-title" {
		t.Errorf("second-title → %q", cur)
	}

	// The check sees the stored row and can refuse.
	err = store.UpdatePost(ctx, s.Pool, nil, ann.ID, got, func(old *post.Post) error {
		return apperr.New(apperr.Forbidden, "no")
	})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("check refused: %v", err)
	}
	if _, err := store.RevisionByID(ctx, s.Pool, p.ID+1, r.ID); err != apperr.ErrNotFound {
		t.Errorf("revision of another post: %v", err)
	}
}

func mustUpdate(tb testing.TB, s *store.Store, actor int64, p *post.Post) {
	tb.Helper()
	p.Normalize()
	if err := p.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := p.Render(rnd); err != nil {
		tb.Fatal(err)
	}
	if err := store.UpdatePost(context.Background(), s.Pool, nil, actor, p, nil); err != nil {
		tb.Fatal(err)
	}
}

func titles(ps []*post.Post) string {
	var b []string
	for _, p := range ps {
		b = append(b, p.Title)
	}
	return strings.Join(b, ",")
}

func TestVisibilityAndScheduling(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	now := time.Now()
	mustPost(t, s.Pool, ann, "old", post.Published, now.Add(-2*time.Hour), "t")
	mustPost(t, s.Pool, ann, "due", post.Scheduled, now.Add(-time.Minute), "t") // its time has come
	fut := mustPost(t, s.Pool, ann, "future", post.Scheduled, now.Add(time.Hour), "t")
	mustPost(t, s.Pool, ann, "draft", post.Draft, time.Time{}, "t")
	tag, err := store.TermBySlug(ctx, s.Pool, post.Tag, "t")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]store.ListFilter{
		"front": {Public: true}, "tag": {Public: true, TermID: tag.ID}, "author": {Public: true, AuthorID: ann.ID},
	} {
		pg, err := store.ListPosts(ctx, s.Pool, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(pg.Posts); got != "due,old" {
			t.Errorf("%s: %s", name, got)
		}
	}
	// The scheduled post's time comes: move it into the past, as time would.
	if _, err := s.Pool.Exec(ctx, `UPDATE posts SET published_at = now() - interval '1 second' WHERE id = $1`, fut.ID); err != nil {
		t.Fatal(err)
	}
	pg, _ := store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, TermID: tag.ID})
	if got := titles(pg.Posts); got != "future,due,old" {
		t.Errorf("after its time: %s", got)
	}
	// Trashing hides it from the tag page too (the trigger keeps post_terms in step).
	if err := store.SetPostStatus(ctx, s.Pool, nil, ann.ID, fut.ID, post.Trashed, nil); err != nil {
		t.Fatal(err)
	}
	pg, _ = store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, TermID: tag.ID})
	if got := titles(pg.Posts); got != "due,old" {
		t.Errorf("after trash: %s", got)
	}
	terms, err := store.Terms(ctx, s.Pool, post.Tag)
	if err != nil || len(terms) != 1 || terms[0].Slug != "t" || terms[0].Posts != 2 {
		t.Errorf("tag list: %+v %v", terms, err)
	}
	// Editors' lists see drafts, not trash, unless asked.
	pg, _ = store.ListPosts(ctx, s.Pool, store.ListFilter{AuthorID: ann.ID})
	if got := titles(pg.Posts); got != "draft,due,old" {
		t.Errorf("editor list: %s", got)
	}
	pg, _ = store.ListPosts(ctx, s.Pool, store.ListFilter{Statuses: []post.Status{post.Trashed}, TermID: tag.ID})
	if got := titles(pg.Posts); got != "future" {
		t.Errorf("trash list: %s", got)
	}
}

func TestKeysetPagination(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	bob := mustUser(t, s.Pool, "bob", account.Author)
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var want []string
	for i := range 25 {
		author := ann
		if i%2 == 1 {
			author = bob
		}
		// Pairs share a timestamp, so the id breaks ties.
		at := base.Add(time.Duration(i/2) * 24 * time.Hour)
		mustPost(t, s.Pool, author, fmt.Sprintf("p%02d", i), post.Published, at)
		want = append([]string{fmt.Sprintf("p%02d", i)}, want...)
	}
	var got []string
	f := store.ListFilter{Public: true, Limit: 10}
	var pages []store.PostPage
	for {
		pg, err := store.ListPosts(ctx, s.Pool, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, pg)
		for _, p := range pg.Posts {
			got = append(got, p.Title)
		}
		if pg.Next == nil {
			break
		}
		// Round-trip the cursor through its string form, as links do.
		c, err := post.ParseCursor(pg.Next.String())
		if err != nil {
			t.Fatal(err)
		}
		f.Cursor = c
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || len(pages) != 3 {
		t.Fatalf("forward: %v (%d pages)", got, len(pages))
	}
	if pages[0].Prev != nil || pages[1].Prev == nil {
		t.Errorf("prev cursors: %v %v", pages[0].Prev, pages[1].Prev)
	}
	// Back from the last page gives the middle page again, then the first.
	back, err := store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, Limit: 10, Cursor: *pages[2].Prev})
	if err != nil || titles(back.Posts) != titles(pages[1].Posts) || back.Prev == nil || back.Next == nil {
		t.Fatalf("back: %s vs %s (%v)", titles(back.Posts), titles(pages[1].Posts), err)
	}
	first, _ := store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, Limit: 10, Cursor: *back.Prev})
	if titles(first.Posts) != titles(pages[0].Posts) || first.Prev != nil {
		t.Errorf("first again: %s (prev %v)", titles(first.Posts), first.Prev)
	}
	// Author and month filters.
	pg, _ := store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, AuthorID: bob.ID, Limit: 3})
	if titles(pg.Posts) != "p23,p21,p19" {
		t.Errorf("bob: %s", titles(pg.Posts))
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	pg, _ = store.ListPosts(ctx, s.Pool, store.ListFilter{Public: true, From: from, To: from.AddDate(0, 0, 2)})
	if titles(pg.Posts) != "p03,p02,p01,p00" {
		t.Errorf("month: %s", titles(pg.Posts))
	}
	months, err := store.Months(ctx, s.Pool)
	if err != nil || len(months) != 1 || months[0].Posts != 25 || !months[0].Month.Equal(from) {
		t.Errorf("months: %+v %v", months, err)
	}
	// Editors' lists page by id.
	var n int
	ef := store.ListFilter{Limit: 7}
	for {
		pg, err := store.ListPosts(ctx, s.Pool, ef)
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.Posts)
		if pg.Next == nil {
			break
		}
		ef.Cursor = *pg.Next
	}
	if n != 25 {
		t.Errorf("editor list walked %d posts", n)
	}
}

func TestAdjacentAndSitemap(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	now := time.Now()
	a := mustPost(t, s.Pool, ann, "a", post.Published, now.Add(-3*time.Hour))
	b := mustPost(t, s.Pool, ann, "b", post.Published, now.Add(-2*time.Hour))
	mustPost(t, s.Pool, ann, "hidden", post.Draft, time.Time{})
	c := mustPost(t, s.Pool, ann, "c", post.Published, now.Add(-time.Hour))
	mustPost(t, s.Pool, ann, "later", post.Scheduled, now.Add(time.Hour))
	_, older, newer, err := store.ReadPost(ctx, s.Pool, b.Slug)
	if err != nil || older.ID != a.ID || newer.ID != c.ID || older.Slug != a.Slug || newer.Title != c.Title || older.PublishedAt.Sub(a.PublishedAt).Abs() > time.Millisecond {
		t.Errorf("adjacent b: %v %v %v", older, newer, err)
	}
	_, older, newer, _ = store.ReadPost(ctx, s.Pool, c.Slug)
	if older.ID != b.ID || newer != nil {
		t.Errorf("adjacent c: %v %v", older, newer)
	}
	_, older, newer, _ = store.ReadPost(ctx, s.Pool, a.Slug)
	if older != nil || newer.ID != b.ID {
		t.Errorf("adjacent a: %v %v", older, newer)
	}
	if _, older, newer, _ = store.ReadPost(ctx, s.Pool, "hidden"); older != nil || newer != nil {
		t.Errorf("a draft has neighbours: %v %v", older, newer)
	}
	sm, err := store.Sitemap(ctx, s.Pool, 100)
	if err != nil || len(sm) != 3 || sm[0].Slug != "c" {
		t.Errorf("sitemap: %+v %v", sm, err)
	}
}

func TestSearch(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	now := time.Now()
	p := &post.Post{AuthorID: ann.ID, Title: "Tuning PostgreSQL", Status: post.Published, PublishedAt: now,
		BodySource: "When tuning `<script>alert(1)</script>` mind the planner & vacuum."}
	p.Normalize()
	_ = p.Render(rnd)
	if err := store.CreatePost(ctx, s.Pool, nil, ann.ID, p); err != nil {
		t.Fatal(err)
	}
	mustPost(t, s.Pool, ann, "Gardening", post.Published, now.Add(-time.Hour))
	mustPost(t, s.Pool, ann, "Tuning drafts", post.Draft, time.Time{})
	hits, err := store.Search(ctx, s.Pool, `tuning -gardening`, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Post.ID != p.ID {
		t.Fatalf("hits: %+v", hits)
	}
	sn := hits[0].SnippetHTML
	// ts_headline drops tag-like tokens itself; what remains is escaped.
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(sn)
	if !strings.Contains(sn, "<mark>tuning</mark>") || strings.ContainsAny(plain, "<>") || !strings.Contains(sn, "&amp; vacuum") {
		t.Errorf("snippet: %s", sn)
	}
	if strings.Contains(sn, "…") {
		t.Errorf("a post shown whole is elided: %s", sn)
	}
	// A snippet cut from a longer text says where it was cut.
	filler := strings.Repeat("the tide came in over the flats and went out again ", 8)
	for _, tc := range []struct{ body, query, want string }{
		{filler + "a walrus surfaced. " + filler, "walrus", "… * …"},
		{"Narwhals first. " + filler + filler + "The end of it all.", "narwhals", "* …"},
		{filler + filler + "Then came the orcas.", "orcas", "… *"},
	} {
		q := &post.Post{AuthorID: ann.ID, Title: tc.query, Status: post.Published, PublishedAt: now, BodySource: tc.body}
		q.Normalize()
		_ = q.Render(rnd)
		if err := store.CreatePost(ctx, s.Pool, nil, ann.ID, q); err != nil {
			t.Fatal(err)
		}
		hits, err := store.Search(ctx, s.Pool, tc.query, 10, 0)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%s: %v %v", tc.query, hits, err)
		}
		sn := hits[0].SnippetHTML
		got := map[bool]string{true: "… ", false: ""}[strings.HasPrefix(sn, "… ")] + "*" + map[bool]string{true: " …", false: ""}[strings.HasSuffix(sn, " …")]
		if got != tc.want {
			t.Errorf("%s: snippet %q elided as %q, want %q", tc.query, sn, got, tc.want)
		}
		// A snippet that reaches the text's end ends as the text does.
		if !strings.HasSuffix(tc.want, "…") && !strings.HasSuffix(sn, ".") {
			t.Errorf("%s: snippet %q lost the text's last full stop", tc.query, sn)
		}
	}
	if hits, _ := store.Search(ctx, s.Pool, `"vacuum planner"`, 10, 0); len(hits) != 0 {
		t.Errorf("phrase out of order matched")
	}
	// A word of four letters or more also matches the start of longer
	// words, in phrases and negations too; a shorter one only itself.
	for _, c := range []struct {
		query string
		want  int    // hits: 1 (the PostgreSQL post) or 0
		mark  string // in the body's snippet
	}{
		{`postgres`, 1, ""}, // in the title: no snippet marks it
		{`"tuning postgres"`, 1, ""},
		{`vacuu -gardening`, 1, "<mark>vacuum</mark>"},
		{`tuning -postgres`, 0, ""},
		{`tun`, 0, ""},
		{`"it's" tun's o'postgres`, 0, ""},
	} {
		hits, err := store.Search(ctx, s.Pool, c.query, 10, 0)
		if err != nil || len(hits) != c.want || (c.want == 1 && hits[0].Post.ID != p.ID) {
			t.Errorf("search %q: %d hits, %v", c.query, len(hits), err)
			continue
		}
		if c.want == 1 && !strings.Contains(hits[0].SnippetHTML, c.mark) {
			t.Errorf("search %q: snippet %s lacks %s", c.query, hits[0].SnippetHTML, c.mark)
		}
	}
	if _, err := store.Search(ctx, s.Pool, strings.Repeat("é", 150)+"\x00", 10, 0); err != nil {
		t.Errorf("long or odd query: %v", err)
	}
	if hits, _ := store.Search(ctx, s.Pool, `   `, 10, 0); hits != nil {
		t.Errorf("empty query matched")
	}
}

func TestHighlight(t *testing.T) {
	s := store.Highlight("a <b>\uE000x\uE001 & \uE001y\uE000z")
	if s != "a &lt;b&gt;<mark>x</mark> &amp; y<mark>z</mark>" {
		t.Errorf("got %q", s)
	}
}

func TestProfile(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	pr := post.Profile{DisplayName: "Ann A.", BioSource: "Writes *things*.", Location: "Lisbon", Website: "https://ann.invalid/"}
	bio, _ := rnd.Render(render.Bio, render.Markdown, pr.BioSource)
	if err := store.UpdateProfile(ctx, s.Pool, ann.ID, ann.ID, pr, bio); err != nil {
		t.Fatal(err)
	}
	u, err := store.AuthorByUsername(ctx, s.Pool, "ANN")
	if err != nil || u.DisplayName != "Ann A." || u.Location != "Lisbon" || !strings.Contains(u.BioHTML, "<em>things</em>") {
		t.Errorf("profile: %+v %v", u, err)
	}
	if err := store.UpdateProfile(ctx, s.Pool, ann.ID, 9999, pr, bio); err != apperr.ErrNotFound {
		t.Errorf("missing user: %v", err)
	}
}

// FuzzSearch: whatever a visitor types, the search answers without an
// error, and the prefix rewrite of its tsquery only adds :* after some
// lexemes: taken off again, the text is websearch_to_tsquery's own. (A
// rewrite matching from one lexeme's closing quote to the next one's
// opening quote still parses, as a lexeme of operators.)
func FuzzSearch(f *testing.F) {
	for _, q := range []string{`postgres`, `"vacuum planner" -gardening`, `it's O'Reilly's`, `a or b or`,
		`'''`, `x'''y''z`, `/usr/o'r/a'b.txt`, `"go is good" or -"tsvector columns"`, `(((`, `-`, `"`, `é'é`, `foo-bar baz_qux`} {
		f.Add(q)
	}
	s := storetestNew(f)
	f.Fuzz(func(t *testing.T, q string) {
		ctx := context.Background()
		if _, err := store.Search(ctx, s.Pool, q, 10, 0); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var plain, prefixed string
		q = strings.ReplaceAll(strings.ToValidUTF8(q, ""), "\x00", "") // as Search does
		if err := s.Pool.QueryRow(ctx, `SELECT websearch_to_tsquery('english', $1)::text, (`+store.PrefixQuery+`)::text`, q).Scan(&plain, &prefixed); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if back, ok := unprefix(prefixed); back != plain || !ok {
			t.Errorf("search %q: tsquery %s, with prefixes %s", q, plain, prefixed)
		}
	})
}

// unprefix takes :* off the lexemes of a tsquery's text form, reading
// each lexeme whole (a doubled quote inside it included), and reports
// whether exactly those of four characters or more had it.
func unprefix(q string) (string, bool) {
	var b strings.Builder
	ok := true
	for i := 0; i < len(q); {
		if q[i] != '\'' {
			b.WriteByte(q[i])
			i++
			continue
		}
		j := i + 1
		for j < len(q) && (q[j] != '\'' || strings.HasPrefix(q[j:], "''")) {
			if q[j] == '\'' {
				j++ // the doubled quote's second half
			}
			j++
		}
		if j >= len(q) {
			return q, false // no closing quote
		}
		lexeme := q[i : j+1]
		b.WriteString(lexeme)
		i = j + 1
		long := utf8.RuneCountInString(strings.ReplaceAll(lexeme[1:len(lexeme)-1], "''", "'")) >= 4
		if strings.HasPrefix(q[i:], ":*") {
			i += 2
			ok = ok && long
		} else {
			ok = ok && !long
		}
	}
	return b.String(), ok
}
