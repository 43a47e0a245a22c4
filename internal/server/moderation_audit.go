package server

import (
	"strconv"
	"strings"

	"quire/internal/moderation"
	"quire/internal/siteadmin"
)

// auditRow is an audit log entry in words: "Emptied spam", "Guest post",
// never a code or a bare number in front of people. Key is the item's
// typed queue key (c12, g3) for tools, in a data attribute.
type auditRow struct {
	siteadmin.AuditEntry
	Words string
	Item  string // the item's kind in words
	Link  string // where the item can be seen, "" when nowhere
	Key   string
	// Before and After are the states in words ("in review", not
	// "in_review").
	Before, After string
	Who           string // the account's name, or who acts without one
}

// stateWords writes a state code in words ("in_review" → "in review");
// anything else (an edited comment's text, "websearch_to_tsquery" in it)
// is shown as it is.
func stateWords(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return (r < 'a' || r > 'z') && r != '_' }) >= 0 {
		return s
	}
	return strings.ReplaceAll(s, "_", " ")
}

func auditRows(entries []siteadmin.AuditEntry) []auditRow {
	out := make([]auditRow, len(entries))
	for i, e := range entries {
		k := moderation.Kind(e.ItemKind)
		row := auditRow{AuditEntry: e, Words: moderation.AuditWords(e.Action), Item: k.Label(),
			Before: stateWords(e.Before), After: stateWords(e.After), Who: siteadmin.Who(e)}
		if e.ItemKind == "spam" {
			row.Item = "Spam"
		}
		if e.ItemID != 0 && e.After != "deleted" {
			id := strconv.FormatInt(e.ItemID, 10)
			switch {
			case k == moderation.KindGuestPost:
				row.Link = "/admin/guest-posts/" + id
			case k.Valid():
				row.Link = "/comments/" + id
			case e.ItemKind == "post" || e.ItemKind == "page": // a page is edited where a post is
				row.Link = "/admin/posts/" + id
			}
		}
		if k.Valid() && e.ItemID != 0 {
			row.Key = moderation.Key{Kind: k, ID: e.ItemID}.String()
		}
		out[i] = row
	}
	return out
}
