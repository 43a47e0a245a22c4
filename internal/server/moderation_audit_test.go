package server

import (
	"testing"

	"quire/internal/siteadmin"
)

// TestAuditWho: an entry names its account, or who acted without one; it
// read "system" for a guest's post and a command's account alike.
func TestAuditWho(t *testing.T) {
	for _, tc := range []struct {
		e    siteadmin.AuditEntry
		want string
	}{
		{siteadmin.AuditEntry{Actor: "ann", Action: "comment.approve"}, "ann"},
		{siteadmin.AuditEntry{Action: "guest_post.submit", After: "received"}, "a guest"},
		{siteadmin.AuditEntry{Action: "contact.message", After: "sent"}, "a visitor"},
		{siteadmin.AuditEntry{Action: "user.create", After: "cli: member mem"}, "command line"},
		{siteadmin.AuditEntry{Action: "token.revoke", After: "cli"}, "command line"},
		{siteadmin.AuditEntry{Action: "comment.empty_spam", After: "3 deleted"}, "system"},
	} {
		if got := auditRows([]siteadmin.AuditEntry{tc.e})[0].Who; got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.e.Action, tc.e.After, got, tc.want)
		}
	}
}
