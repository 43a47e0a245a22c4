package store

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// LinkbackVerifyEvent is a flood batch's put-off verifications: Pairs is
// their JSON (the linkbacks workflow's), VerifyAt when they may start.
type LinkbackVerifyEvent struct {
	Pairs    []byte
	VerifyAt time.Time
}

// QueueLinkbackVerifyEvent queues in b the INSERT of e: one narrow row
// where a job of River's used to be, sent with the batch's COMMIT
// (TransactFrom's last statements; migrations/00024_linkback_verify_events.sql).
func QueueLinkbackVerifyEvent(b *pgx.Batch, e LinkbackVerifyEvent) {
	b.Queue(`INSERT INTO linkback_verify_events (pairs, verify_at) VALUES ($1::jsonb, $2)`, string(e.Pairs), e.VerifyAt)
}

// TakeLinkbackVerifyEvents deletes up to limit of the oldest waiting
// events in tx and returns them, oldest first, skipping (not waiting
// for) rows another transaction is taking, as TakeCommentEvents does
// (its LIMIT written out too).
func TakeLinkbackVerifyEvents(ctx context.Context, tx pgx.Tx, limit int) ([]LinkbackVerifyEvent, error) {
	rows, err := tx.Query(ctx, `WITH taken AS (DELETE FROM linkback_verify_events WHERE id IN (
			SELECT id FROM linkback_verify_events ORDER BY id LIMIT `+strconv.Itoa(max(limit, 1))+` FOR UPDATE SKIP LOCKED)
		RETURNING id, pairs, verify_at)
		SELECT pairs::text, verify_at FROM taken ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (LinkbackVerifyEvent, error) {
		var e LinkbackVerifyEvent
		var s string
		err := r.Scan(&s, &e.VerifyAt)
		e.Pairs = []byte(s)
		return e, err
	})
}
