package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID       int64
	ActorID  *int64
	Actor    string // username, filled by AuditLog
	Action   string
	ItemKind string
	ItemID   int64
	Before   string
	After    string
	At       time.Time
}

// Audit records that actorID did action to an item (before → after).
func Audit(ctx context.Context, db DB, actorID int64, action, itemKind string, itemID int64, before, after string) error {
	var actor *int64
	if actorID != 0 {
		actor = &actorID
	}
	_, err := db.Exec(ctx, `INSERT INTO audit_log (actor_id, action, item_kind, item_id, before, after) VALUES ($1,$2,$3,$4,$5,$6)`,
		actor, action, itemKind, itemID, before, after)
	return err
}

// AuditFilter narrows the audit log to one page of what is asked.
type AuditFilter struct {
	Before int64 // entries older than this id (0: from the newest)
	Limit  int
	// Actor: "" every entry; a username, that account's; NoAccount, those
	// made without one (a guest, the command line, Quire's own jobs).
	Actor string
	// Areas are the actions' first words ("post" for post.status);
	// empty: every action.
	Areas []string
}

// NoAccount is AuditFilter.Actor for the entries made without an account.
const NoAccount = "-"

// AuditLog returns the newest entries f selects, newest first. The log
// is read in its primary key's order; a filter skips rows on the way (an
// admin's page, not a public one).
func AuditLog(ctx context.Context, db DB, f AuditFilter) ([]AuditEntry, error) {
	if f.Areas == nil {
		f.Areas = []string{}
	}
	rows, err := db.Query(ctx, `SELECT a.id, a.actor_id, coalesce(u.username, ''), a.action, a.item_kind, a.item_id, a.before, a.after, a.at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE ($1 = 0 OR a.id < $1)
			AND (cardinality($3::text[]) = 0 OR split_part(a.action, '.', 1) = ANY($3))
			AND ($4 = '' OR ($4 = '`+NoAccount+`' AND a.actor_id IS NULL) OR lower(u.username) = lower($4))
		ORDER BY a.id DESC LIMIT $2`, f.Before, f.Limit, f.Areas, f.Actor)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[AuditEntry])
}
