package moderation

import (
	"maps"
	"slices"
	"strings"
)

// auditWords are the audit log's actions in words, for people; the stored
// action stays a stable code ("comment.empty_spam") for tools.
var auditWords = map[string]string{
	"comment.approve": "Approved", "comment.hold": "Moved back to the queue", "comment.spam": "Marked as spam",
	"comment.trash": "Moved to trash", "comment.delete": "Deleted forever", "comment.reply": "Replied",
	"comment.empty_spam": "Emptied spam", "comment.empty_trash": "Emptied the trash", "comment.block": "Blocked from the queue", "comment.edit": "Edited",
	"comment.pin": "Pinned above the thread", "comment.unpin": "Unpinned",
	"guest_post.submit": "Submitted", "guest_post.received": "Received", "guest_post.in_review": "Started review",
	"guest_post.changes_requested": "Asked for changes", "guest_post.scheduled": "Accepted and scheduled",
	"guest_post.published": "Accepted and published", "guest_post.declined": "Declined", "guest_post.spam": "Marked as spam",
	"guest_post.trash": "Moved to trash", "guest_post.hold": "Moved back to the queue", "guest_post.delete": "Deleted forever",
	"guest_post.edit": "Edited", "guest_post.intro": "Changed the editor's note", "guest.trust": "Changed trust",
	"contact.message": "Sent a message", "export.wxr": "Exported the blog", "import.upload": "Uploaded an import",
	"import.wxr": "Imported", "media.delete": "Deleted an image", "media.describe": "Described an image",
	"media.upload": "Uploaded an image", "post.create": "Created", "post.return": "Sent back to its author",
	"post.status": "Changed status", "post.delete": "Deleted forever", "post.update": "Updated", "profile.update": "Updated the profile",
	"settings.comments": "Changed discussion settings", "settings.guest_posts": "Changed guest post settings",
	"token.create": "Created an API token", "token.revoke": "Revoked an API token", "user.confirm": "Confirmed an address",
	"user.create": "Created an account", "user.disabled": "Changed whether an account is disabled",
	"user.invite": "Invited", "user.invite_withdrawn": "Withdrew an invitation", "user.password": "Changed a password", "user.password_reset": "Reset a password",
	"user.role": "Changed a role", "user.signup": "Signed up",
	"user.passkey_add": "Added a passkey", "user.passkey_remove": "Removed a passkey", "user.2fa": "Changed two-factor sign-in",
	"settings.site": "Changed site settings", "theme.upload": "Uploaded a theme", "theme.activate": "Switched the theme",
	"theme.delete": "Deleted a theme", "term.rename": "Renamed", "term.merge": "Merged into another", "term.delete": "Deleted",
	"privacy.erase": "Erased an address's personal data",
}

// AuditActions are the actions the audit log has words for, sorted: every
// action Quire records (TestAuditAreasCoverActions files each under a
// part of the log).
func AuditActions() []string { return slices.Sorted(maps.Keys(auditWords)) }

// AuditWords is an audit log action in words: "comment.empty_spam" is
// "Emptied spam". An action without words of its own is spelled out from
// its code ("widget.frob" → "Widget frob"), never left as a code.
func AuditWords(action string) string {
	if w, ok := auditWords[action]; ok {
		return w
	}
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
