package server

import (
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"quire/internal/apperr"
	"quire/internal/contact"
	"quire/internal/jobs"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// purposeContact signs the time a contact form was served, and its page.
const purposeContact = "contact-form"

// contactForm is what a contact page's form shows: empty, or the
// visitor's input sent back with errors.
type contactForm struct {
	Name, Email, Message string
	Action               string // the page's path: the form posts to it
	Token                string
	Error                string
	Errors               map[string]string
}

func (s *Server) contactToken(pageID int64) string {
	return s.key.Sign(purposeContact, strconv.FormatInt(s.now().UnixMilli(), 10), strconv.FormatInt(pageID, 10))
}

// contactSince is how long ago the form of page pageID was served; a
// missing, forged or other page's token counts as sent at once.
func (s *Server) contactSince(tok string, pageID int64) time.Duration {
	parts, ok := s.key.Verify(purposeContact, tok)
	if !ok || len(parts) != 2 || parts[1] != strconv.FormatInt(pageID, 10) {
		return -time.Nanosecond
	}
	ms, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return -time.Nanosecond
	}
	if d := s.now().Sub(time.UnixMilli(ms)); d != 0 {
		return d
	}
	return -time.Nanosecond // 0 means "unknown" to the rules
}

// contactMail is the data of the contact mail template.
type contactMail struct {
	Site, Name, Email, Message, PageURL, IP string
	Suspect                                 string // the rules' reasons for a held message, or ""
}

// contactSubmit takes a contact page's form. The rules are the comments'
// (honeypot, form time, blocklist, duplicates); a contact form has no
// queue, so: spam is stored and never sent, and the sender sees the same
// thanks (they learn nothing of the rules); a form sent too fast comes
// back to be sent again; a blocklist hold is sent marked as suspect;
// more than contact.PerIP or PerEmail messages an hour get 429.
func (s *Server) contactSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.pageBySlug(w, r)
	if err != nil || p == nil {
		return err
	}
	st, err := store.PageSettingsOf(ctx, s.store.Pool, p.ID)
	if err != nil {
		return err
	}
	if st.Template != post.TemplateContact || !p.Public(s.now()) {
		return apperr.New(apperr.Invalid, "This page has no form to send.")
	}
	if err := r.ParseForm(); err != nil {
		return Classify(apperr.Wrap(err, apperr.Invalid, "The form could not be read."))
	}
	f := r.PostForm
	cf := &contactForm{Name: f.Get("name"), Email: f.Get("email"), Message: f.Get("message"), Action: p.Path()}
	m := contact.Message{Name: cf.Name, Email: cf.Email, Message: cf.Message}
	m.Normalize()
	back := func(err error) error { // the form again, refilled, with what went wrong
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid {
			return err
		}
		cf.Error, cf.Errors = e.Message, e.Fields
		return s.renderPage(w, r, http.StatusBadRequest, p, cf)
	}
	if err := m.Validate(); err != nil {
		return back(err)
	}
	_, rules, err := s.comments.Settings(ctx)
	if err != nil {
		return err
	}
	ip := ""
	if a := ClientIP(ctx); a.IsValid() {
		ip = a.Unmap().String()
	}
	in := moderation.Input{Kind: moderation.KindContact, AuthorName: m.Name, AuthorEmail: m.Email, IP: ClientIP(ctx),
		Text: m.Name + "\n" + m.Message, HoneypotFilled: f.Get("homepage") != "", SinceForm: s.contactSince(f.Get("form_token"), p.ID)}
	err = s.store.Transact(ctx, func(tx pgxTx) error {
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
		cm := &store.ContactMessage{Message: m, PageID: p.ID, Status: "sent", Reasons: v.Reasons, IP: ip,
			UserAgent: truncateUTF8(r.UserAgent(), 500)}
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
		return s.mailAdmins(r, tx, p, cm)
	})
	if err != nil {
		return back(err)
	}
	mp := messagePage{Page: s.page(r, "Thank you"), Heading: "Thank you, " + m.Name,
		Message: "Your message is on its way to us. We answer at " + m.Email + " when we can."}
	mp.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "message", mp)
}

// mailAdmins enqueues cm to every admin in tx, with Reply-To the sender.
func (s *Server) mailAdmins(r *http.Request, tx pgxTx, p *post.Post, cm *store.ContactMessage) error {
	ctx := r.Context()
	admins, err := store.SiteAdmins(ctx, tx)
	if err != nil {
		return err
	}
	d := contactMail{Site: s.siteInfo(ctx).Title, Name: cm.Name, Email: cm.Email, Message: cm.Message.Message,
		PageURL: s.abs(p.Path()), IP: cm.IP}
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
		msg, err := s.mail.Render("contact", a.Email, d)
		if err != nil {
			return err
		}
		msg.Headers = map[string]string{"Reply-To": replyTo}
		if err := s.jobs.Enqueue(ctx, tx, jobs.MailArgs{Message: msg}); err != nil {
			return err
		}
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes on a character boundary.
func truncateUTF8(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
