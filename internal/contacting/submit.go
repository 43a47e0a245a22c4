package contacting

import (
	"context"
	netmail "net/mail"
	"net/netip"
	"strings"

	"github.com/jackc/pgx/v5"

	"quire/internal/apperr"
	"quire/internal/contact"
	"quire/internal/mail"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/text"
)

// Submission is a contact form as it arrives.
type Submission struct {
	Page      *post.Post
	Message   contact.Message
	IP        netip.Addr
	UserAgent string
	Honeypot  bool   // the hidden field was filled
	FormToken string // Token, as the form sent it back
	// Site and PageURL are the blog's title and the page's address, for
	// the mail.
	Site, PageURL string
}

// mailData is the data of the contact mail template.
type mailData struct {
	Site, Name, Email, Message, PageURL, IP string
	Suspect                                 string // the rules' reasons for a held message, or ""
}

// Submit takes a contact page's form. A contact form has no queue, so:
// spam is stored and never sent, and the sender sees the same thanks
// (they learn nothing of the rules); a form sent too fast comes back to
// be sent again (apperr.Invalid); a blocklist hold is sent marked as
// suspect; more than contact.PerIP or PerEmail messages an hour are
// apperr.TooMany. sub.Message is normalised in place. Errors:
// apperr.Invalid with fields, apperr.TooMany.
func (s *Service) Submit(ctx context.Context, sub *Submission) error {
	p, m := sub.Page, &sub.Message
	if ok, err := s.HasForm(ctx, p); err != nil || !ok || !p.Public(s.now()) {
		if err != nil {
			return err
		}
		return ErrNoForm
	}
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	_, rules, err := s.Comments.Settings(ctx)
	if err != nil {
		return err
	}
	ip := ""
	if sub.IP.IsValid() {
		ip = sub.IP.Unmap().String()
	}
	in := moderation.Input{Kind: moderation.KindContact, AuthorName: m.Name, AuthorEmail: m.Email, IP: sub.IP,
		Text: m.Name + "\n" + m.Message, HoneypotFilled: sub.Honeypot, SinceForm: s.since(sub.FormToken, p.ID)}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		fromIP, fromEmail, dup, err := store.ContactSignals(ctx, tx, ip, m.Email, m.Message, s.now().Add(-contact.Window))
		if err != nil {
			return err
		}
		if fromIP >= contact.PerIP || fromEmail >= contact.PerEmail {
			e := apperr.New(apperr.TooMany, "You have sent several messages in the last hour. Please wait an hour before sending another; the ones you sent have reached us.")
			e.RetryAfter = contact.Window
			return e
		}
		in.Duplicate = dup
		v := moderation.Decide(rules, in)
		if v.Action != moderation.Spam && v.Has(moderation.ReasonTooFast) {
			return apperr.New(apperr.Invalid, "That was quick! Please read your message over and send it again.")
		}
		cm := &store.ContactMessage{Message: *m, PageID: p.ID, Status: "sent", Reasons: v.Reasons, IP: ip,
			UserAgent: text.Clip(sub.UserAgent, 500)}
		switch v.Action {
		case moderation.Spam:
			cm.Status = "spam"
		case moderation.Hold:
			cm.Status = "held"
		}
		if err := store.CreateContactMessage(ctx, tx, cm); err != nil {
			return err
		}
		if err := store.Audit(ctx, tx, 0, "contact.message", "contact", cm.ID, "", cm.Status); err != nil {
			return err
		}
		if cm.Status == "spam" {
			return nil // nothing is ever sent for spam
		}
		return s.mailAdmins(ctx, tx, sub, cm)
	})
}

// mailAdmins enqueues cm to every admin in tx, with Reply-To the sender.
func (s *Service) mailAdmins(ctx context.Context, tx pgx.Tx, sub *Submission, cm *store.ContactMessage) error {
	admins, err := store.SiteAdmins(ctx, tx)
	if err != nil {
		return err
	}
	d := mailData{Site: sub.Site, Name: cm.Name, Email: cm.Email, Message: cm.Message.Message, PageURL: sub.PageURL, IP: cm.IP}
	if cm.Status == "held" {
		var why []string
		for _, rs := range cm.Reasons {
			why = append(why, rs.Message)
		}
		d.Suspect = strings.Join(why, "; ")
	}
	// net/mail quotes and encodes the name, so it cannot add a header.
	replyTo := (&netmail.Address{Name: cm.Name, Address: cm.Email}).String()
	for _, a := range admins {
		msg, err := s.Mail.Render("contact", a.Email, d)
		if err != nil {
			return err
		}
		msg.Headers = map[string]string{"Reply-To": replyTo}
		if err := s.Jobs.Enqueue(ctx, tx, mail.SendArgs{Message: msg}); err != nil {
			return err
		}
	}
	return nil
}
