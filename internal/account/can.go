package account

// Action is something a user may try to do.
type Action string

// Actions checked by Can. Handlers name one of these; nothing else decides
// permissions.
const (
	ViewAdmin      Action = "view_admin"      // the admin landing page
	ManageUsers    Action = "manage_users"    // list, create, change role, disable
	ManageSettings Action = "manage_settings" // site settings
	ViewAudit      Action = "view_audit"      // the audit log
	ReadOutbox     Action = "read_outbox"     // the local mail outbox

	CreatePost  Action = "create_post"  // start a post (as a draft)
	EditPost    Action = "edit_post"    // change a post's content (thing: the post's owner)
	PublishPost Action = "publish_post" // publish or schedule (thing: the post's owner)
	SubmitPost  Action = "submit_post"  // send a draft for review (thing: owner)
	TrashPost   Action = "trash_post"   // move to trash (thing: owner)
	ReadDraft   Action = "read_draft"   // see an unpublished post (thing: owner)
	ManagePages Action = "manage_pages" // site pages (About, Contact)
	UploadMedia Action = "upload_media" // upload images

	Moderate         Action = "moderate"           // the comment and linkback queue
	ReviewGuestPosts Action = "review_guest_posts" // accept/decline guest submissions
	CommentAsMember  Action = "comment_as_member"  // comment where comments are for members only
	EditOwnProfile   Action = "edit_own_profile"   // profile page
	ManageOwnTokens  Action = "manage_own_tokens"  // API tokens
	ManageBlocklist  Action = "manage_blocklist"   // moderation settings
	ImportExport     Action = "import_export"      // WXR import and export
)

// Actions lists every action, in the order the permission table shows them.
var Actions = []Action{ViewAdmin, ManageUsers, ManageSettings, ViewAudit, ReadOutbox, CreatePost, EditPost, PublishPost,
	SubmitPost, TrashPost, ReadDraft, ManagePages, UploadMedia, Moderate, ReviewGuestPosts, CommentAsMember,
	EditOwnProfile, ManageOwnTokens, ManageBlocklist, ImportExport}

// Thing is what an action is done to: zero for site-wide actions, else the
// owner's user id (a post's author).
type Thing struct {
	OwnerID int64
}

// Site is the Thing for site-wide actions.
var Site = Thing{}

// Owned is the Thing for something owned by user id.
func Owned(id int64) Thing { return Thing{OwnerID: id} }

// Can reports whether u may do a to t. A nil or disabled user may do nothing
// that needs an account.
func Can(u *User, a Action, t Thing) bool {
	if u == nil || u.Disabled {
		return false
	}
	own := t.OwnerID != 0 && t.OwnerID == u.ID
	switch u.Role {
	case Admin:
		return true
	case Editor:
		// An allow-list, never "all but": a new action is refused to
		// editors until someone decides they need it. Left out on purpose:
		// users, site settings, the audit log, import/export (the export
		// holds every account) and the outbox (it held password-reset links).
		switch a {
		case ViewAdmin, CreatePost, EditPost, PublishPost, SubmitPost, TrashPost, ReadDraft, ManagePages, UploadMedia,
			Moderate, ReviewGuestPosts, CommentAsMember, EditOwnProfile, ManageOwnTokens, ManageBlocklist:
			return true
		}
	case Author:
		switch a {
		case ViewAdmin, CreatePost, UploadMedia, CommentAsMember, EditOwnProfile, ManageOwnTokens:
			return true
		case EditPost, PublishPost, SubmitPost, TrashPost, ReadDraft:
			return own
		}
	case Contributor:
		switch a {
		case ViewAdmin, CreatePost, CommentAsMember, EditOwnProfile, ManageOwnTokens:
			return true
		case EditPost, SubmitPost, TrashPost, ReadDraft:
			// Contributors edit their own drafts; the store refuses edits
			// once a post is published (post.Editable).
			return own
		}
	case Moderator:
		switch a {
		case ViewAdmin, Moderate, ManageBlocklist, CommentAsMember, EditOwnProfile, ManageOwnTokens:
			return true
		}
	case Member:
		switch a {
		case CommentAsMember, EditOwnProfile:
			return true
		}
	}
	return false
}
