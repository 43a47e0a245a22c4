package store

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// queueEvents queues in b the one comment_events row naming the comments
// of ns that are announced (NewComment.Announce), and reports whether
// there was one: a batch's created events cost one narrow row, written
// with the batch, rather than a job of River's in a round trip of its
// own (migrations/00023_comment_events.sql).
func queueEvents(b *pgx.Batch, ns []*NewComment) bool {
	var ids []int64
	for _, n := range ns {
		if n.Announce {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) == 0 {
		return false
	}
	b.Queue(`INSERT INTO comment_events (comment_ids) VALUES ($1)`, ids)
	return true
}

// TakeCommentEvents deletes up to limit of the oldest waiting comment
// events in tx and returns the comment ids of each, oldest first. Rows
// another transaction is taking are skipped, not waited for, so that
// every node may drain at once; each row goes to one of them. The caller
// enqueues their jobs in the same tx, so a rollback leaves the rows for
// the next try. The LIMIT is written out: passed as an argument it had
// PostgreSQL plan the statement anew at almost every drain (as listSQL's
// did).
func TakeCommentEvents(ctx context.Context, tx pgx.Tx, limit int) ([][]int64, error) {
	rows, err := tx.Query(ctx, `WITH taken AS (DELETE FROM comment_events WHERE id IN (
			SELECT id FROM comment_events ORDER BY id LIMIT `+strconv.Itoa(max(limit, 1))+` FOR UPDATE SKIP LOCKED)
		RETURNING id, comment_ids)
		SELECT comment_ids FROM taken ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[[]int64])
}
