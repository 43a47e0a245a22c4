package moderation

import "time"

// The Action values of an audit Entry. Approve, hold and spam are decisions
// a moderator can also make by hand; the others are the queue's remaining
// operations.
const (
	AuditApprove = "approve"
	AuditHold    = "hold"
	AuditSpam    = "spam"
	AuditTrash   = "trash"
	AuditRestore = "restore" // out of trash or spam, back to held
	AuditDelete  = "delete"  // permanent
	AuditEdit    = "edit"
	AuditReply   = "reply" // a reply written while approving
	AuditDecline = "decline"
)

// Entry is one line of the audit log: who did what to which item, and the
// item's state before and after. The store writes entries in the same
// transaction as the change (PRODUCT.md must have 4: everything a moderator
// does is audited); this package only defines the shape.
type Entry struct {
	ActorID  int64  // the user who acted; 0 = Quire itself (automatic rules)
	Action   string // one of the Audit* constants
	ItemKind string // a Kind: comment, pingback, webmention, guest_post
	ItemID   int64
	// Before and After describe the item's state, usually its status
	// ("held" → "approved"); for an edit, the changed text. They are free
	// text so that the log survives schema changes of the items.
	Before, After string
	At            time.Time
}
