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

// AuditLog returns the newest entries, at most limit, older than beforeID
// (0: from the newest).
func AuditLog(ctx context.Context, db DB, beforeID int64, limit int) ([]AuditEntry, error) {
	rows, err := db.Query(ctx, `SELECT a.id, a.actor_id, coalesce(u.username, ''), a.action, a.item_kind, a.item_id, a.before, a.after, a.at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE $1 = 0 OR a.id < $1 ORDER BY a.id DESC LIMIT $2`, beforeID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[AuditEntry])
}
