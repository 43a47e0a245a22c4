package newsletter

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/store"
)

// ImportResult says what an import did.
type ImportResult struct {
	Added     int      // new addresses (confirmed, or sent a confirmation)
	Known     int      // already subscribed or asked: left as they were
	Withdrawn int      // unsubscribed before: not subscribed again
	Invalid   []string // rows that are not an address (the first 20)
	Rows      int
}

// ParseCSV reads addresses from a CSV file: the "email" column if the
// first row names one, else the first column. Errors: apperr.TooLarge past
// MaxImportBytes or MaxImportRows, apperr.Invalid for a file that is not
// CSV. Nothing is stored.
func ParseCSV(r io.Reader) (emails []string, invalid []string, err error) {
	lr := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	col := 0
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if lr.N <= 0 {
			return nil, nil, apperr.New(apperr.TooLarge, "The file is larger than %d KB.", MaxImportBytes>>10)
		}
		if err != nil {
			return nil, nil, apperr.New(apperr.Invalid, "This is not a CSV file (line %d).", i+1)
		}
		if i == 0 {
			if c, ok := emailColumn(rec); ok {
				col = c
				continue // a header row
			}
		}
		if len(emails)+len(invalid) >= MaxImportRows {
			return nil, nil, apperr.New(apperr.TooLarge, "The file has more than %d addresses; split it.", MaxImportRows)
		}
		if col >= len(rec) {
			continue
		}
		if e, err := Normalize(rec[col]); err == nil {
			emails = append(emails, e)
		} else {
			invalid = append(invalid, strings.ToValidUTF8(rec[col], "?"))
		}
	}
	if lr.N <= 0 {
		return nil, nil, apperr.New(apperr.TooLarge, "The file is larger than %d KB.", MaxImportBytes>>10)
	}
	return emails, invalid, nil
}

// emailColumn finds a header cell named "email" or "e-mail".
func emailColumn(rec []string) (int, bool) {
	for j, h := range rec {
		if h = strings.TrimSpace(h); strings.EqualFold(h, "email") || strings.EqualFold(h, "e-mail") {
			return j, true
		}
	}
	return 0, false
}

// Import subscribes emails with mode. With confirmed false each new
// address gets the double opt-in mail; with confirmed true the admin vouches
// that these people already agreed (an export from another list), and
// they are subscribed without asking. Either way an address that
// unsubscribed before is left out: its wish wins over a list.
func (s *Service) Import(ctx context.Context, emails []string, mode Mode, confirmed bool) (ImportResult, error) {
	res := ImportResult{Rows: len(emails)}
	// A few hundred rows per transaction: one commit per address would
	// make a large list slow on a real disk, one for all a long lock.
	for len(emails) > 0 {
		chunk := emails[:min(len(emails), importChunk)]
		emails = emails[len(chunk):]
		var part ImportResult
		err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
			part = ImportResult{}
			for _, e := range chunk {
				if err := s.importOne(ctx, tx, e, mode, confirmed, &part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Added, res.Known, res.Withdrawn = res.Added+part.Added, res.Known+part.Known, res.Withdrawn+part.Withdrawn
	}
	return res, nil
}

// importChunk is how many addresses one import transaction takes.
const importChunk = 500

func (s *Service) importOne(ctx context.Context, tx pgx.Tx, e string, mode Mode, confirmed bool, res *ImportResult) error {
	sub, err := store.SubscriberByHash(ctx, tx, Hash(e))
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		sub = &store.Subscriber{EmailHash: Hash(e)}
	case err != nil:
		return err
	case Status(sub.Status) == Unsubscribed:
		res.Withdrawn++
		return nil
	default:
		res.Known++
		return nil
	}
	res.Added++
	sub.Email, sub.Mode, sub.Source = e, string(mode), "import"
	if confirmed {
		sub.Status, sub.ConfirmedAt = string(Confirmed), s.now()
		return store.SaveSubscriber(ctx, tx, sub)
	}
	sub.Status, sub.ConfirmSentAt = string(Pending), s.now()
	if err := store.SaveSubscriber(ctx, tx, sub); err != nil {
		return err
	}
	return s.Enqueue(ctx, tx, ConfirmArgs{SubscriberID: sub.ID})
}

// SubscribeMember subscribes a signed-in member's own address at once:
// signing in proved it is theirs, so there is no confirmation mail.
func (s *Service) SubscribeMember(ctx context.Context, userID int64, email string, mode Mode) error {
	email, err := Normalize(email)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		sub, err := store.SubscriberByHash(ctx, tx, Hash(email))
		if errors.Is(err, apperr.ErrNotFound) {
			sub = &store.Subscriber{EmailHash: Hash(email), Source: "member"}
		} else if err != nil {
			return err
		}
		if sub.Source == "" {
			sub.Source = "member"
		}
		sub.Email, sub.Mode, sub.UserID, sub.Status = email, string(mode), userID, string(Confirmed)
		sub.ConfirmedAt, sub.UnsubscribedAt, sub.Failures, sub.LastError = s.now(), timeZero, 0, ""
		return store.SaveSubscriber(ctx, tx, sub)
	})
}

// TestArgs mails one issue of a post to one address now, outside the
// delivery rows ("send a test to me").
type TestArgs struct {
	PostID int64  `json:"post_id"`
	Email  string `json:"email"`
}

// Kind names the job type.
func (TestArgs) Kind() string { return "newsletter_test" }

// SendTest enqueues a test mail of post postID to email.
func (s *Service) SendTest(ctx context.Context, postID int64, email string) error {
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		return s.Enqueue(ctx, tx, TestArgs{PostID: postID, Email: email})
	})
}
