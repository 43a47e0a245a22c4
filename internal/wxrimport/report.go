// Package wxrimport moves a blog between WordPress and Quire: Import reads
// a WXR file (internal/wxr) into the store, Export writes the blog back as
// WXR 1.2.
//
// An import is keyed by the file's base site URL (the source) and by the
// WXR ids of its authors, posts and comments, recorded in import maps, so
// running it twice changes nothing and a newer export of the same blog adds
// only what is new. Each post goes in one transaction with its comments.
// The file is read twice: once to check it is well-formed (so a malformed
// file changes nothing), then to import it. Content passes the sanitising
// policy of its place (render.Post for posts and pages, render.Comment for
// comments, render.Excerpt for linkbacks). Imports never send or queue
// pingbacks or webmentions, and fetch nothing unless Options.FetchMedia
// asks them to copy the old blog's images (media.go, media_html.go).
package wxrimport

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Report is what an import did. Keys of Imported and Existing are kinds:
// author, post, page, comment, pingback, trackback, webmention, media. Skipped
// and Warnings count each reason; Statuses counts the status mappings
// ("private → draft"); Shortcodes counts the posts using each shortcode
// Quire cannot render, which stays in the text.
type Report struct {
	Site       string         `json:"site"`
	Imported   map[string]int `json:"imported"`
	Existing   map[string]int `json:"existing"`
	Skipped    map[string]int `json:"skipped"`
	Warnings   map[string]int `json:"warnings"`
	Statuses   map[string]int `json:"statuses"`
	Shortcodes map[string]int `json:"shortcodes"`
	Items      int            `json:"items"`    // items read
	Comments   int            `json:"comments"` // comments read
	// MediaFailed lists the images --fetch-media could not copy, URL →
	// reason; posts keep linking to those URLs.
	MediaFailed map[string]string `json:"media_failed,omitempty"`
}

// MediaFailedTitle heads the list of images not copied, in the report and
// on the job page.
const MediaFailedTitle = "Images not copied (posts keep the original URL)"

func newReport() *Report {
	return &Report{Imported: map[string]int{}, Existing: map[string]int{}, Skipped: map[string]int{},
		Warnings: map[string]int{}, Statuses: map[string]int{}, Shortcodes: map[string]int{}}
}

func (r *Report) skip(why string, args ...any) { r.Skipped[fmt.Sprintf(why, args...)]++ }
func (r *Report) warn(why string, args ...any) { r.Warnings[fmt.Sprintf(why, args...)]++ }

// mediaFailed lists an image that was not copied, up to maxListedFailures.
func (r *Report) mediaFailed(url, reason string) {
	if r.MediaFailed == nil {
		r.MediaFailed = map[string]string{}
	}
	if len(r.MediaFailed) >= maxListedFailures {
		r.warn("more images not copied than the report lists")
		return
	}
	r.MediaFailed[url] = reason
}

// Summary is the report in one line, for the audit log.
func (r *Report) Summary() string {
	return fmt.Sprintf("imported %s; already there %s; skipped %d", counts(r.Imported), counts(r.Existing), sum(r.Skipped))
}

// WriteTo writes the report for people, one fact a line.
func (r *Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Import of %s: %d items, %d comments read.\n", r.Site, r.Items, r.Comments)
	fmt.Fprintf(&b, "Imported: %s\n", counts(r.Imported))
	fmt.Fprintf(&b, "Already imported: %s\n", counts(r.Existing))
	section := func(title string, m map[string]int) {
		if len(m) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s:\n", title)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(&b, "  %6d  %s\n", m[k], k)
		}
	}
	section("Statuses mapped", r.Statuses)
	section("Skipped", r.Skipped)
	section("Warnings", r.Warnings)
	section("Shortcodes kept as text (posts using each)", r.Shortcodes)
	if len(r.MediaFailed) > 0 {
		fmt.Fprintf(&b, "%s:\n", MediaFailedTitle)
		for _, u := range slices.Sorted(maps.Keys(r.MediaFailed)) {
			fmt.Fprintf(&b, "  %s: %s\n", u, r.MediaFailed[u])
		}
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "nothing"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
