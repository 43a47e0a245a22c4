package store

import (
	"context"
	"time"
)

// CountHeldMail counts a mail about a held item to email in the clock
// hour starting at hour, against budget mails an hour: send reports
// whether it goes out (the hour's first budget ones do), firstFolded
// whether it is the hour's first one held back, which schedules the
// hour's digest. Counted in the caller's transaction, with the mail it
// lets out: a retried job counts nothing twice. (Sending stops once sent
// reaches budget and never resumes within the hour, so a count with
// folded at 0 was sent.)
func CountHeldMail(ctx context.Context, db DB, email string, hour time.Time, budget int) (send, firstFolded bool, err error) {
	var folded int
	err = db.QueryRow(ctx, `INSERT INTO held_mail_hours AS h (email, hour, sent, folded)
		VALUES (lower($1), $2, CASE WHEN $3 > 0 THEN 1 ELSE 0 END, CASE WHEN $3 > 0 THEN 0 ELSE 1 END)
		ON CONFLICT (email, hour) DO UPDATE SET
			sent = h.sent + CASE WHEN h.sent < $3 THEN 1 ELSE 0 END,
			folded = h.folded + CASE WHEN h.sent < $3 THEN 0 ELSE 1 END
		RETURNING folded`, email, hour, budget).Scan(&folded)
	return folded == 0, folded == 1, err
}

// HeldMailFolded returns how many mails about held items to email were
// held back in the hour starting at hour.
func HeldMailFolded(ctx context.Context, db DB, email string, hour time.Time) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT coalesce(max(folded), 0) FROM held_mail_hours WHERE email = lower($1) AND hour = $2`,
		email, hour).Scan(&n)
	return n, err
}

// PruneHeldMail deletes the counts of the hours before before.
func PruneHeldMail(ctx context.Context, db DB, before time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM held_mail_hours WHERE hour < $1`, before)
	return err
}
