// Package mail sends Quire's e-mail: through SMTP when QUIRE_SMTP_URL is
// set, otherwise into the local outbox, a PostgreSQL table every node
// shares and admins read at /admin/outbox. Messages are written from text
// templates under web/templates/email; background jobs (internal/jobs)
// call Send, never request handlers.
package mail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"quire/internal/store"
)

// Message is one plain-text e-mail to one address.
type Message struct {
	To      string            `json:"to"`
	Subject string            `json:"subject"`
	Text    string            `json:"text"`
	Headers map[string]string `json:"headers,omitempty"` // extra headers, e.g. List-Unsubscribe
}

// Mailer sends a Message. Send returns an error the job queue retries.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Outbox is the Mailer used without SMTP: it stores each message as a row.
type Outbox struct{ DB store.DB }

// Send writes m to the outbox table.
func (o Outbox) Send(ctx context.Context, m Message) error {
	return store.PutOutbox(ctx, o.DB, store.OutboxMail{To: m.To, Subject: m.Subject, Body: m.Text, Headers: m.Headers})
}

// SMTP sends through the server named by a smtp:// or smtps:// URL:
// smtp://user:pass@host:587?from=blog@example.com. smtp uses STARTTLS when
// offered; smtps is TLS from the start.
type SMTP struct {
	host string
	opts []gomail.Option
	from string
}

// NewSMTP parses rawURL; from is used when the URL has no from parameter.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("QUIRE_SMTP_URL: %w", err)
	}
	s := &SMTP{host: u.Hostname(), from: from}
	if f := u.Query().Get("from"); f != "" {
		s.from = f
	}
	s.opts = append(s.opts, gomail.WithTimeout(15*time.Second), gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("QUIRE_SMTP_URL: bad port %q", p)
		}
		s.opts = append(s.opts, gomail.WithPort(n))
	}
	if u.Scheme == "smtps" {
		s.opts = append(s.opts, gomail.WithSSL())
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return s, nil
}

// Send delivers m over one SMTP connection.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from %q: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// New returns the SMTP mailer when smtpURL is set, else the outbox on db.
func New(smtpURL, from string, db store.DB) (Mailer, error) {
	if smtpURL == "" {
		return Outbox{DB: db}, nil
	}
	return NewSMTP(smtpURL, from)
}
