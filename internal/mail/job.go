package mail

import "github.com/riverqueue/river"

// SendArgs is the background job that sends one message (its worker is in
// internal/jobs). It is declared here, beside Message, so the workflows
// that write mail enqueue it without importing the job workers.
type SendArgs struct {
	Message Message `json:"message"`
}

// Kind names the job type in River's table.
func (SendArgs) Kind() string { return "mail" }

// InsertOpts gives mail more attempts than the default: an SMTP server
// may be down for a while.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }
