package store

import (
	"context"
	"html"
	"strings"

	"quire/internal/post"
)

// SearchHit is a public post matching a search, with a snippet of its text.
type SearchHit struct {
	Post *post.Post
	// SnippetHTML is escaped text in which only the matches are marked up,
	// as <mark>…</mark>.
	SnippetHTML string
	Rank        float32
}

// searchSQL ranks matching public posts in a subquery that reads the GIN
// index, then builds headlines for the page only (ts_headline is costly).
// The highlight markers are private-use characters that BodyText never
// contains (post.Render strips them).
//
// The query is web search syntax (websearch_to_tsquery), and each of its
// words whose stem has four letters or more also matches as the start of
// a longer word: "postgres" (stem "postgr") finds "PostgreSQL", which
// English stems to itself. Shorter stems match whole words only, so "go"
// does not match every "good" and "google". prefixQuery does it on the
// tsquery's text form.
const searchSQL = `SELECT ` + listCols + `, s.rank,
	ts_headline('english', p.body_text, s.q,
		'StartSel=` + post.HighlightStart + `, StopSel=` + post.HighlightStop + `, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
	left(p.body_text, 40) AS head, right(p.body_text, 40) AS tail
	FROM (SELECT p.id, w.q, ts_rank(p.search, w.q) AS rank
	      FROM posts p, (SELECT ` + prefixQuery + ` AS q) w
	      WHERE p.search @@ w.q AND ` + publicWhere + `
	      ORDER BY rank DESC, p.published_at DESC, p.id DESC LIMIT $2 OFFSET $3) s
	JOIN posts p ON p.id = s.id JOIN users u ON u.id = p.author_id
	ORDER BY s.rank DESC, p.published_at DESC, p.id DESC`

// prefixQuery is the search's tsquery with its long lexemes made
// prefixes. The text form quotes each lexeme, doubling a quote inside
// it (a file name's token may hold one), and puts an operator between two
// lexemes. The first replacement adds :* to every lexeme; it matches each
// whole, from its opening quote to its closing one, as no quote stands
// outside a lexeme. The second takes :* off the lexemes of one to three
// characters. It starts at a quote not preceded by one, so not inside a
// lexeme at a doubled quote; and between two lexemes there are at least
// five characters (:*, a space, an operator, a space), so it cannot
// match across them.
const prefixQuery = `regexp_replace(
	regexp_replace(websearch_to_tsquery('english', $1)::text, '(''(?:[^'']|'''')*'')', '\1:*', 'g'),
	'(?<!'')''((?:[^'']|''''){1,3})'':\*', '''\1''', 'g')::tsquery`

// MaxSearchQuery bounds the length of a search query.
const MaxSearchQuery = 200

// Search returns up to limit public posts matching query (web search
// syntax: words, "phrases", -not, or), best first, skipping offset. Search
// pages are few and shallow, so offset is bounded by the caller.
func Search(ctx context.Context, db DB, query string, limit, offset int) ([]SearchHit, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	if len(query) > MaxSearchQuery {
		query = query[:MaxSearchQuery]
	}
	// A cut inside a character, or bytes PostgreSQL refuses, would be a 500.
	query = strings.ReplaceAll(strings.ToValidUTF8(query, ""), "\x00", "")
	rows, err := db.Query(ctx, searchSQL, query, limit, offset)
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	var posts []*post.Post
	for rows.Next() {
		var r postRow
		var h SearchHit
		var snippet, head, tail string
		err := rows.Scan(append(r.dest(), &h.Rank, &snippet, &head, &tail)...)
		if err != nil {
			rows.Close()
			return nil, err
		}
		h.Post = r.post()
		h.SnippetHTML = Highlight(elide(snippet, head, tail))
		hits = append(hits, h)
		posts = append(posts, h.Post)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return hits, loadTerms(ctx, db, posts)
}

// elide marks where a ts_headline snippet cuts the text it comes from,
// with "… " before and " …" after, so that a snippet starting or ending
// mid-sentence reads as a quotation; head and tail are the text's first
// and last forty characters. A post short enough to be shown whole gets
// neither. Words are compared, two at each end: ts_headline leaves out
// tag-like tokens and the spaces around them, and ends a fragment at a
// word, before the text's last full stop, which a snippet reaching the
// end gets back.
func elide(snippet, head, tail string) string {
	words := strings.Fields(strings.NewReplacer(post.HighlightStart, "", post.HighlightStop, "").Replace(snippet))
	if len(words) == 0 {
		return snippet
	}
	k := min(2, len(words))
	if !sameWords(words[:k], strings.Fields(head)) {
		snippet = "… " + snippet
	}
	tw := strings.Fields(tail)
	if !sameWords(words[len(words)-k:], tw[max(0, len(tw)-k):]) {
		snippet += " …"
	} else if last, w := tw[len(tw)-1], words[len(words)-1]; len(last) > len(w) && strings.HasPrefix(last, w) {
		snippet += last[len(w):] // the text's last full stop, which ts_headline leaves out
	}
	return snippet
}

// sameWords reports whether b starts with a's words, punctuation at their
// ends aside.
func sameWords(a, b []string) bool {
	if len(b) < len(a) {
		return false
	}
	const stops = ".,;:!?…)]}\"'”’»"
	for i := range a {
		if strings.TrimRight(a[i], stops) != strings.TrimRight(b[i], stops) {
			return false
		}
	}
	return true
}

// Highlight escapes a ts_headline result and only then turns its markers
// into <mark> elements, so nothing in the post's text can become markup.
// An unpaired marker is dropped.
func Highlight(s string) string {
	s = html.EscapeString(s)
	var b strings.Builder
	open := false
	for {
		i := strings.IndexAny(s, post.HighlightStart+post.HighlightStop)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		start := strings.HasPrefix(s[i:], post.HighlightStart)
		switch {
		case start && !open:
			b.WriteString("<mark>")
			open = true
		case !start && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+len(post.HighlightStart):] // both markers are 3 bytes
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
