package commenting

import (
	"context"
	"slices"
	"strings"
	"time"

	"quire/internal/jobargs"
	"quire/internal/mail"
	"quire/internal/store"
)

// HeldMailBudget is how many mails about held comments and linkbacks a
// moderator gets in a clock hour; past it they are counted, and one
// digest at the hour's end says how many (HeldDigest). A wave of spam
// held for moderation then costs each moderator a dozen messages, not
// one per item.
const HeldMailBudget = 10

// Notices are what a comment event causes: the mail to send, and the
// digests to schedule for mail held back (HeldMailBudget).
type Notices struct {
	Mail    []mail.Message
	Digests []jobargs.HeldDigestArgs
}

// heldBudget is how many of a job's held items one moderator hears of
// this hour (sent: the first ones), and whether this job held back the
// hour's first (which schedules the hour's digest).
type heldBudget struct {
	email string
	hour  time.Time
	sent  int
	first bool
}

// heldBudgets counts n held items against each moderator's budget for
// the hour, in db (the job's transaction): as many as the hour's budget
// still allows go out, the rest are held back for the hour's digest.
func (s *Service) heldBudgets(ctx context.Context, db store.DB, n int) ([]heldBudget, error) {
	mods, err := store.Moderators(ctx, db)
	if err != nil {
		return nil, err
	}
	hour := s.now().UTC().Truncate(time.Hour)
	out := make([]heldBudget, 0, len(mods))
	for _, m := range mods {
		sent, first, err := store.CountHeldMail(ctx, db, m.Email, hour, n, HeldMailBudget)
		if err != nil {
			return nil, err
		}
		out = append(out, heldBudget{email: m.Email, hour: hour, sent: sent, first: first})
	}
	return out, nil
}

// heldMail adds to out the mail about n's held items to each moderator,
// as far as their budget goes, and the digests to schedule. What a mail
// says of an item (its text taken out of its HTML) is worked out only for
// the items mailed: during a wave, once the budget is spent, that is none
// of them (BenchmarkHeldNotifications).
func (s *Service) heldMail(n notified, budgets []heldBudget, site string, out *Notices) error {
	data := make(map[int64]*commentMail)
	for _, b := range budgets {
		for _, id := range n.held[:b.sent] {
			cp, ok := n.rows[id]
			if !ok {
				continue // deleted since its status was read
			}
			if data[id] == nil {
				d := s.commentMail(cp.Comment, cp.Post.Title, site)
				data[id] = &d
			}
			msg, err := s.Mail.Render("comment_held", b.email, *data[id])
			if err != nil {
				return err
			}
			out.Mail = append(out.Mail, msg)
		}
		if b.first {
			out.Digests = append(out.Digests, jobargs.HeldDigestArgs{Email: b.email, Hour: b.hour})
		}
	}
	return nil
}

// HeldDigest writes the digest of the mail about held items held back
// from a.Email in a.Hour (the held-digest job, at the hour's end); ok is
// false when there is nothing to say, or a.Email is no longer a
// moderator's.
func (s *Service) HeldDigest(ctx context.Context, a jobargs.HeldDigestArgs) (m mail.Message, ok bool, err error) {
	db := s.Store.Pool
	n, err := store.HeldMailFolded(ctx, db, a.Email, a.Hour)
	if err != nil || n == 0 {
		return mail.Message{}, false, err
	}
	mods, err := store.Moderators(ctx, db)
	if err != nil {
		return mail.Message{}, false, err
	}
	if !slices.ContainsFunc(mods, func(r store.Recipient) bool { return strings.EqualFold(r.Email, a.Email) }) {
		return mail.Message{}, false, nil
	}
	data := map[string]any{"Site": s.BaseURL.Host, "Count": n, "Budget": HeldMailBudget,
		"From": a.Hour.UTC().Format("2 January 2006, 15:04"), "To": a.Hour.Add(time.Hour).UTC().Format("15:04"),
		"QueueURL": s.base() + "/admin/moderation"}
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	m, err = s.Mail.Render("comment_held_digest", a.Email, data)
	return m, err == nil, err
}

// PruneHeldMail forgets the held-mail counts of the hours before before
// (the hourly housekeeping).
func (s *Service) PruneHeldMail(ctx context.Context, before time.Time) error {
	return store.PruneHeldMail(ctx, s.Store.Pool, before)
}
