package api

import (
	"net/http"
	"strconv"
	"time"

	"quire/internal/apperr"
	"quire/internal/moderation"
	"quire/internal/siteadmin"
)

// AuditEntryJSON is one entry of the audit log as the API shows it.
type AuditEntryJSON struct {
	ID int64     `json:"id"`
	At time.Time `json:"at"`
	// Actor is the account's username; null for an entry made without
	// one, which Who then names ("a guest", "command line", "system").
	Actor    *string `json:"actor"`
	Who      string  `json:"who"`
	Action   string  `json:"action"` // a stable code: "comment.approve"
	Words    string  `json:"words"`  // the action in words: "Approved"
	ItemKind string  `json:"item_kind"`
	ItemID   int64   `json:"item_id"`
	Before   string  `json:"before"`
	After    string  `json:"after"`
}

// auditLog lists the audit log newest first, for admins: ?who= a
// username, or "-" for the entries without an account; ?area= a part of
// the blog (posts, moderation, accounts, settings, media, moves).
func (a *API) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := siteadmin.AuditFilter{Actor: q.Get("who")}
	var err error
	if f.Limit, err = limitParam(r, 50, siteadmin.MaxAuditPage); err != nil {
		return err
	}
	if c := q.Get("cursor"); c != "" {
		if f.Before, err = strconv.ParseInt(c, 10, 64); err != nil || f.Before < 1 {
			return apperr.New(apperr.Invalid, "cursor is not one this API gave.")
		}
	}
	entries, err := a.admin.AuditLog(r.Context(), User(r.Context()), f, q.Get("area"))
	if err != nil {
		return err
	}
	items := make([]AuditEntryJSON, len(entries))
	for i, e := range entries {
		items[i] = AuditEntryJSON{ID: e.ID, At: e.At, Who: siteadmin.Who(e), Action: e.Action, Words: moderation.AuditWords(e.Action),
			ItemKind: e.ItemKind, ItemID: e.ItemID, Before: e.Before, After: e.After}
		if e.Actor != "" {
			items[i].Actor = &entries[i].Actor
		}
	}
	var next *string
	if len(entries) == f.Limit {
		c := strconv.FormatInt(entries[len(entries)-1].ID, 10)
		next = &c
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
	return nil
}
