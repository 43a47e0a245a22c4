package moderation

import "quire/internal/comment"

// Status is the comment status an action leaves an item in; anything but
// approve or spam holds it, so an unknown action never publishes.
func (a Action) Status() comment.Status {
	switch a {
	case Approve:
		return comment.StatusApproved
	case Spam:
		return comment.StatusSpam
	}
	return comment.StatusHeld
}
