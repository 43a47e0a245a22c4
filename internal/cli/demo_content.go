package cli

import (
	"time"

	"quire/internal/post"
)

// The demo blog, written by us. Links point at the blog's own posts or at
// hosts under .invalid (RFC 2606), so loading it never reaches anyone.

type demoAuthor struct {
	Username string
	Profile  post.Profile
}

var demoAuthors = []demoAuthor{
	{"mara", post.Profile{DisplayName: "Mara Okafor", Location: "Lisbon",
		Website:   "https://mara.example.invalid/",
		BioSource: "Mara writes about **databases**, slow software and the trams of Lisbon. She has kept a paper notebook since 1998."}},
	{"jonas", post.Profile{DisplayName: "Jonas Berg", Location: "Tromsø",
		Website:   "https://jonas.example.invalid/",
		BioSource: "Jonas photographs the polar night and writes Go for a living. *Usually* in that order."}},
	{"priya", post.Profile{DisplayName: "Priya Raman", Location: "Pune",
		BioSource: "Priya is an editor, a baker of sourdough and a collector of [footnotes](/posts/a-defence-of-footnotes)."}},
}

type demoPost struct {
	Author, Title, Tags, Categories string
	Status                          post.Status
	Age                             time.Duration // publication time relative to now
	Body                            string
}

const day = 24 * time.Hour

var demoPosts = []demoPost{
	{"mara", "Why I still write SQL by hand", "SQL, PostgreSQL", "Software", post.Published, -120 * day,
		"An ORM hides the one thing I want to see: the query.\n\n```sql\nSELECT id, title\n  FROM posts\n WHERE status = 'published'\n ORDER BY published_at DESC\n LIMIT 10;\n```\n\nWhen the query is in front of me, so is the index it needs. See also [keyset pagination](/posts/keyset-pagination-in-one-page).\n"},
	{"mara", "Keyset pagination in one page", "SQL, PostgreSQL, Performance", "Software", post.Published, -100 * day,
		"`OFFSET 10000` reads ten thousand rows to throw them away. A cursor does not:\n\n| approach | page 1 | page 1000 |\n|---|---|---|\n| OFFSET | fast | slow |\n| keyset | fast | fast |\n\nThe trick is a row comparison: `(published_at, id) < ($1, $2)`.\n"},
	{"jonas", "Notes from the polar night", "Photography, Winter", "Travel", post.Published, -95 * day,
		"The sun sets in late November and does not rise again until mid-January.\n\n> The light is blue for two hours and then it is simply night.\n\n- Bring a tripod.\n- Bring spare batteries; the cold eats them.\n- Look up.\n"},
	{"priya", "A defence of footnotes", "Writing, Footnotes", "Essays", post.Published, -90 * day,
		"Footnotes are where writers keep their doubts.[^1] Readers who want them can follow; the rest read on.\n\n[^1]: And their best jokes.\n"},
	{"jonas", "Context cancellation, gently", "Go, Concurrency", "Software", post.Published, -80 * day,
		"Every request in Go carries a `context.Context`. When the client leaves, the work should stop:\n\n```go\nselect {\ncase <-ctx.Done():\n\treturn ctx.Err()\ncase res := <-work:\n\treturn res\n}\n```\n"},
	{"priya", "Sourdough, week one", "Baking, Sourdough", "Kitchen", post.Published, -70 * day,
		"Flour, water, patience. Day three smelled of nail varnish, which the books promise is normal.\n\n1. Feed at 9.\n2. Discard half.\n3. Wait.\n"},
	{"mara", "Reading EXPLAIN without fear", "PostgreSQL, Performance", "Software", post.Published, -60 * day,
		"Read the plan from the inside out. An *Index Scan* under a *Limit* is what a list page wants; a *Seq Scan* under a *Sort* is what it gets when the index is missing.\n"},
	{"jonas", "The northern lights are not green", "Photography, Winter", "Travel", post.Published, -50 * day,
		"Cameras see green. Eyes, at first, see grey. After twenty minutes in the dark the colour arrives.\n\nThe camera's sensor keeps gathering light long after the eye has given up, which is why the photographs always look brighter than the night did.\n"},
	{"priya", "On editing other people", "Writing, Editing", "Essays", post.Published, -40 * day,
		"An editor's first job is to find what the writer meant. The second is to leave the writer's voice alone.\n\n~~Cut every adverb.~~ Cut the adverbs that apologise.\n"},
	{"mara", "Trams, timetables and time zones", "Lisbon, Time", "Travel", post.Published, -30 * day,
		"Tram 28 runs to a timetable that is more of a hope. Storing times in UTC and showing them in local time is the same kind of hope, but it works.\n"},
	{"jonas", "Small interfaces", "Go, Design", "Software", post.Published, -20 * day,
		"The bigger the interface, the weaker the abstraction. `io.Reader` has one method and runs the world.\n\n- [x] one method\n- [ ] twelve methods\n"},
	{"priya", "Three loaves later", "Baking, Sourdough", "Kitchen", post.Published, -10 * day,
		"The third loaf rose. Follow-up to [week one](/posts/sourdough-week-one).\n\n| loaf | rise | verdict |\n|---|---|---|\n| 1 | none | brick |\n| 2 | some | doorstop |\n| 3 | good | breakfast |\n"},
	{"mara", "Full-text search with tsvector", "PostgreSQL, Search", "Software", post.Published, -3 * day,
		"In PostgreSQL, a generated `tsvector` column, a GIN index and `websearch_to_tsquery` give a blog good search without another service. Try the search box above.\n"},
	{"jonas", "When the sun comes back", "Photography, Winter", "Travel", post.Scheduled, 7 * day,
		"A scheduled post: it appears on the front page, in the feeds and in the sitemap on its own when its time comes.\n"},
	{"priya", "Draft: a style guide for this blog", "Writing", "Essays", post.Draft, 0,
		"Not ready yet. Only Priya and the editors can see this draft.\n"},
}
