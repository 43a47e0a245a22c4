package mail

import (
	"context"
	"errors"
	"fmt"

	gomail "github.com/wneessen/go-mail"

	"quire/internal/store"
)

// Rich is a message with a plain-text and an HTML part
// (multipart/alternative), its own Message-ID and list headers: what the
// newsletter sends.
type Rich struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string            // without angle brackets: id@our-host
	Headers   map[string]string // List-Unsubscribe, List-Id, …
}

// Conn sends many messages over one connection (one SMTP session), so a
// newsletter does not dial once per subscriber.
type Conn interface {
	SendRich(ctx context.Context, m Rich) error
	Close() error
}

// Dialer opens a Conn. The SMTP mailer and the outbox both are one.
type Dialer interface {
	Dial(ctx context.Context) (Conn, error)
}

// Permanent reports whether err is the SMTP server's permanent refusal of
// a message (a 5xx reply): retrying will not help and the address is
// counted as failing.
func Permanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return !se.IsTemp() && se.ErrorCode() >= 500 && se.ErrorCode() < 600
	}
	return false
}

// Dial connects to the SMTP server.
func (s *SMTP) Dial(ctx context.Context) (Conn, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return &smtpConn{c: c, from: s.from}, nil
}

type smtpConn struct {
	c    *gomail.Client
	from string
}

func (sc *smtpConn) SendRich(_ context.Context, m Rich) error {
	msg := gomail.NewMsg()
	if err := msg.From(sc.from); err != nil {
		return fmt.Errorf("mail: from %q: %w", sc.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	}
	msg.SetDate()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	// A refused recipient leaves the session usable: go-mail resets it.
	return sc.c.Send(msg)
}

func (sc *smtpConn) Close() error { return sc.c.Close() }

// Dial returns the outbox itself: each message becomes a row (its text
// part and headers; the HTML part is not kept).
func (o Outbox) Dial(context.Context) (Conn, error) { return o, nil }

// SendRich writes m's text part and headers to the outbox.
func (o Outbox) SendRich(ctx context.Context, m Rich) error {
	h := map[string]string{"Message-ID": "<" + m.MessageID + ">"}
	for k, v := range m.Headers {
		h[k] = v
	}
	return store.PutOutbox(ctx, o.DB, store.OutboxMail{To: m.To, Subject: m.Subject, Body: m.Text, Headers: h})
}

// Close does nothing.
func (o Outbox) Close() error { return nil }
