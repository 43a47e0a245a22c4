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

// heldMail adds to out the mail about the held items of one job (held,
// in order) to each moderator: as many as the hour's budget still
// allows, counted in db (the job's transaction), the rest held back for
// the hour's digest, which the hour's first held back schedules. What a
// mail says of an item (its text taken out of its HTML) is worked out
// only for the items mailed: during a wave, once the budget is spent,
// that is none of them (BenchmarkHeldNotifications).
func (s *Service) heldMail(ctx context.Context, db store.DB, held []store.CommentPost, site string, out *Notices) error {
	mods, err := store.Moderators(ctx, db)
	if err != nil {
		return err
	}
	hour := s.now().UTC().Truncate(time.Hour)
	data := make([]*commentMail, len(held))
	for _, m := range mods {
		sent, first, err := store.CountHeldMail(ctx, db, m.Email, hour, len(held), HeldMailBudget)
		if err != nil {
			return err
		}
		for i, cp := range held[:sent] {
			if data[i] == nil {
				d := s.commentMail(cp.Comment, cp.Post.Title, site)
				data[i] = &d
			}
			msg, err := s.Mail.Render("comment_held", m.Email, *data[i])
			if err != nil {
				return err
			}
			out.Mail = append(out.Mail, msg)
		}
		if first {
			out.Digests = append(out.Digests, jobargs.HeldDigestArgs{Email: m.Email, Hour: hour})
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
