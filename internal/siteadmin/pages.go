package siteadmin

import "quire/internal/store"

// The rows the public pages show, named here for the theme check's sample
// data (internal/server's sampleData), which builds one of each page
// without a database.

// NavLink is a page in the site navigation.
type NavLink = store.NavLink

// MonthCount is one month of the archive.
type MonthCount = store.MonthCount

// TermCount is a tag or category with its number of posts.
type TermCount = store.TermCount

// SearchHit is one search result with its highlighted snippet.
type SearchHit = store.SearchHit

// Comment is a comment row as the post page's "held for review" notice
// shows it.
type Comment = store.Comment
