package reading

import "quire/internal/store"

// DB is a database a read runs on: the primary's pool or the replica.
type DB = store.DB

// NavLink is one page in the site navigation.
type NavLink = store.NavLink

// Filter selects a public list of posts (a tag, a category, an author, a
// month); Public, Limit and Cursor are set by the list's page.
type Filter = store.ListFilter

// PostPage is one page of a list of posts, with cursors for its neighbours.
type PostPage = store.PostPage

// MonthCount is a month with its number of public posts.
type MonthCount = store.MonthCount

// TermCount is a tag or category with its number of public posts.
type TermCount = store.TermCount

// SearchHit is a public post matching a search, with its snippet.
type SearchHit = store.SearchHit

// RecentComment is an approved comment or linkback with its post, for feeds.
type RecentComment = store.RecentComment

// SitemapEntry is a public post's or page's slug and last change.
type SitemapEntry = store.SitemapEntry

// ThemeSetting is the settings key naming the active uploaded theme: a
// change to it arrives on the invalidation bus like the site settings.
const ThemeSetting = store.ThemeSetting
