package store

// Exported for the EXPLAIN test in package store_test (which cannot be in
// package store: storetest imports store).
var ListSQL = listSQL

const (
	ReadPostSQL = readPostSQL
	MonthsSQL   = monthsSQL
	SitemapSQL  = sitemapSQL
	SearchSQL   = searchSQL
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
