package store

import (
	"context"
	"time"
)

// CountHeldMail counts n mails about held items to email in the clock
// hour starting at hour, against budget mails an hour: sent is how many
// of them go out (the hour's first budget ones do; the rest are held
// back), firstFolded whether this count held back the hour's first,
// which schedules the hour's digest. Counted in the caller's
// transaction, with the mail it lets out: a retried job counts nothing
// twice. (In ON CONFLICT's SET every expression reads the row as it
// was, and RETURNING the row as it is: last_sent keeps this count's
// share for RETURNING.)
func CountHeldMail(ctx context.Context, db DB, email string, hour time.Time, n, budget int) (sent int, firstFolded bool, err error) {
	var folded int
	err = db.QueryRow(ctx, `INSERT INTO held_mail_hours AS h (email, hour, sent, folded, last_sent)
		VALUES (lower($1), $2, least($3::int, $4::int), $3::int - least($3::int, $4::int), least($3::int, $4::int))
		ON CONFLICT (email, hour) DO UPDATE SET
			last_sent = least($3::int, greatest($4::int - h.sent, 0)),
			sent = h.sent + least($3::int, greatest($4::int - h.sent, 0)),
			folded = h.folded + $3::int - least($3::int, greatest($4::int - h.sent, 0))
		RETURNING last_sent, folded`, email, hour, n, max(budget, 0)).Scan(&sent, &folded)
	// The folded before this count were folded - (n - sent).
	return sent, n > sent && folded == n-sent, err
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
