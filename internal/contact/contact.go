// Package contact holds the messages readers send through a contact page
// (a page whose template is "contact"): their fields, validation, and the
// limits on how often one address may write. Sending is the server's job
// (internal/server/page_contact.go): the message is stored and its mail
// to the site's admins enqueued in one transaction.
package contact

import (
	"strings"
	"time"
	"unicode/utf8"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/render"
)

// Limits on a message.
const (
	MaxName    = 100
	MaxMessage = 20000 // characters; the database checks the same
)

// Rate limits: more than PerIP messages from one IP address, or PerEmail
// from one e-mail address, within Window are refused with 429 (nothing is
// stored or sent): a contact form has no queue to hold them in.
const (
	PerIP    = 5
	PerEmail = 3
	Window   = time.Hour
)

// Message is what a reader sends.
type Message struct {
	Name    string
	Email   string
	Message string
}

// Normalize cleans and trims the fields.
func (m *Message) Normalize() {
	m.Name = strings.Join(strings.Fields(render.Clean(m.Name)), " ")
	m.Email = strings.TrimSpace(render.Clean(m.Email))
	m.Message = strings.TrimSpace(render.Clean(m.Message))
}

// Validate returns apperr.Invalid with fields name, email and message.
func (m *Message) Validate() error {
	f := map[string]string{}
	switch n := utf8.RuneCountInString(m.Name); {
	case n == 0:
		f["name"] = "Tell us your name."
	case n > MaxName:
		f["name"] = "Use a name of at most 100 characters."
	}
	if m.Email == "" {
		f["email"] = "Give an e-mail address, so that we can answer."
	} else if err := account.ValidateEmail(m.Email); err != nil {
		f["email"] = apperr.MessageOf(err)
	}
	switch n := utf8.RuneCountInString(m.Message); {
	case n == 0:
		f["message"] = "Write a message."
	case n > MaxMessage:
		f["message"] = "Use at most 20,000 characters."
	}
	if len(f) > 0 {
		return apperr.FieldErrors("Please correct the marked fields.", f)
	}
	return nil
}
