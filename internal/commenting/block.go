package commenting

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/moderation"
	"quire/internal/store"
)

// blockLock serialises changes to the blocklist from the queue, so that
// two moderators blocking at once both keep their line (an advisory
// lock for the transaction: the settings row may not exist yet).
const blockLock = `SELECT pg_advisory_xact_lock(hashtext('quire.blocklist'))`

// Block adds entry to the discussion settings' blocklist, as actor, with
// an audit row: the queue's "Block" on a card, open to moderators, who
// may not change the rest of the settings. It returns the line as stored
// (normalised), and added false when the blocklist had it already.
// Errors: apperr.Forbidden; apperr.Invalid for an entry that is not one.
func (s *Service) Block(ctx context.Context, actor *account.User, entry moderation.BlockEntry) (line string, added bool, err error) {
	if !account.Can(actor, account.Moderate, account.Site) {
		return "", false, apperr.New(apperr.Forbidden, "Your account may not moderate comments.")
	}
	one, err := moderation.NewBlocklist(entry)
	if err != nil {
		return "", false, apperr.Wrap(err, apperr.Invalid, "That cannot be blocked: %v", err)
	}
	e := one.Entries()[0]
	line = e.String()
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, blockLock); err != nil {
			return err
		}
		st, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		bl, err := moderation.ParseBlocklist(st.Blocklist)
		if err != nil {
			return apperr.New(apperr.Invalid, "The blocklist in Discussion settings has an error; mend it there first.")
		}
		for _, have := range bl.Entries() {
			if have == e {
				return nil
			}
		}
		st.Blocklist = strings.TrimRight(st.Blocklist, "\n")
		if st.Blocklist != "" {
			st.Blocklist += "\n"
		}
		st.Blocklist += line + "  # from the queue, by " + actor.Username
		if f := st.Validate(); len(f) > 0 {
			return invalid(f)
		}
		if err := SaveSettings(ctx, tx, st); err != nil {
			return err
		}
		added = true
		return store.Audit(ctx, tx, actor.ID, "comment.block", "blocklist", 0, "", line)
	})
	if err == nil && added {
		s.Forget()
	}
	return line, added, err
}
