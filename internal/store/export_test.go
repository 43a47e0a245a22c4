package store

// Exported for the EXPLAIN test in package store_test (which cannot be in
// package store: storetest imports store).
var ListSQL = listSQL

// QueueSQL is queueSQL, for EXPLAIN.
var QueueSQL = queueSQL

const (
	ReadPostSQL = readPostSQL
	MonthsSQL   = monthsSQL
	SitemapSQL  = sitemapSQL
	PinnedSQL   = pinnedSQL
	SearchSQL   = searchSQL
	PrefixQuery = prefixQuery
	TermsSQL    = termsSQL
	AuthorsSQL  = publicAuthorsSQL
	PostCols    = postCols
)

// Thread page reads (thread.go).
const (
	ThreadPageSQL  = pageSQL
	CommentPageSQL = commentPageSQL

	CommentCountsSQL  = commentCountsSQL
	RecentCommentsSQL = recentCommentsSQL
	PostCommentsSQL   = postCommentsSQL
	NextScheduledSQL  = nextScheduledSQL
)

// Comment submission (comment.go).
const (
	CommentSignalsSQL     = commentSignalsSQL
	CommentSubmitSQL      = commentSubmitSQL
	CommentSubmitBatchSQL = commentSubmitBatchSQL // comment_submit_batch.go
)

// PostDest and ReadPostDest return a row struct and its scan targets, for
// TestRowDest.
func PostDest() (any, []any) { r := new(postRow); return r, r.dest() }

// ReadPostDest: see PostDest.
func ReadPostDest() (any, []any) { r := new(readPostRow); return r, r.dest() }

// CommentDest: see PostDest.
func CommentDest() (any, []any) { r := new(commentRow); return r, r.dest() }

// CommentColsSQL and ThreadColsSQL are the comments' two column lists.
const (
	CommentColsSQL = commentCols
	ThreadColsSQL  = threadCols
)
