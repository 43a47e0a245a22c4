// Package jobargs holds the arguments of Quire's background jobs that are
// enqueued outside package jobs: by the store's post writers, by the
// workflow packages (commenting, linkbacks, wxrimport) and by the workers
// themselves. It is a leaf, so that every one of them can import it while
// jobs imports the workflows it runs. The mail job stays in jobs: its
// argument is a mail.Message, and mail imports store.
package jobargs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// QueueLinkback is the River queue of linkback work: verifying incoming
// requests and notifying linked sites. It has its own workers so that a
// burst of slow peers cannot hold up mail.
const QueueLinkback = "linkback"

// The comment events that may send mail.
const (
	EventCreated  = "created"  // a new comment, approved or held by the rules
	EventApproved = "approved" // a moderator approved a held comment
)

// CommentArgs asks for the notifications a comment event causes: the post's
// author on an approved comment, moderators on a held one, the parent's
// author (opted in, confirmed) on an approved reply. Nothing for spam.
// The comment form's events (commenting.TakeEvents) name many comments
// in one job, CommentIDs: the comments of every batch stored since the
// last drain, up to commenting.EventJobIDs a job.
type CommentArgs struct {
	CommentID  int64   `json:"comment_id,omitempty"`
	CommentIDs []int64 `json:"comment_ids,omitempty"`
	Event      string  `json:"event"`
}

// IDs are the comments the event is about: CommentID, then CommentIDs.
func (a CommentArgs) IDs() []int64 {
	if a.CommentID == 0 {
		return a.CommentIDs
	}
	return append([]int64{a.CommentID}, a.CommentIDs...)
}

// CommentsCreated is the job of the comments ids stored since the last
// drain of comment events: one comment's job as ever for one, one job
// naming them all for more.
func CommentsCreated(ids []int64) CommentArgs {
	if len(ids) == 1 {
		return CommentArgs{CommentID: ids[0], Event: EventCreated}
	}
	return CommentArgs{CommentIDs: ids, Event: EventCreated}
}

// Kind names the job type.
func (CommentArgs) Kind() string { return "comment_event" }

// NotificationPriority is the River priority of the comment jobs (1 is
// the highest, and every other job's): River fetches by priority first,
// so a message waiting to go out (a password reset, a sign-in link, the
// mail these jobs write) is sent ahead of a wave's backlog of comment
// jobs, which River works off at about 100 a second a node
// (docs/OPERATIONS.md).
const NotificationPriority = 2

// InsertOpts gives the comment jobs NotificationPriority.
func (CommentArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Priority: NotificationPriority}
}

// HeldDigestArgs mails a moderator, at the end of the clock hour starting
// at Hour, how many mails about held items were held back in it: past
// commenting.HeldMailBudget an hour, held items are counted instead of
// mailed. The first one held back schedules it.
type HeldDigestArgs struct {
	Email string    `json:"email"`
	Hour  time.Time `json:"hour"`
}

// Kind names the job type.
func (HeldDigestArgs) Kind() string { return "held_digest" }

// InsertOpts schedules the digest for the end of its hour.
func (a HeldDigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{ScheduledAt: a.Hour.Add(time.Hour)}
}

// NotifyConfirmArgs mails the double opt-in link for reply notifications.
type NotifyConfirmArgs struct {
	Email     string `json:"email"`
	CommentID int64  `json:"comment_id"`
}

// Kind names the job type.
func (NotifyConfirmArgs) Kind() string { return "notify_confirm" }

// LinkbackVerifyArgs verifies the pending pingback and webmention
// requests of one (source, post) pair with a single GET of the source.
type LinkbackVerifyArgs struct {
	Source string `json:"source"`
	PostID int64  `json:"post_id"`
}

// Kind names the job type.
func (LinkbackVerifyArgs) Kind() string { return "linkback_verify" }

// InsertOpts puts verification on the linkback queue. A failed fetch is an
// answer (fault 16), not an error, so attempts are only for database trouble.
func (LinkbackVerifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLinkback, MaxAttempts: 5}
}

// LinkbackVerifyLaterArgs starts, at At, the verification of a batch of
// requests accepted in a flood: it inserts their LinkbackVerifyArgs jobs
// (one per pair) and ends. Accepting a flood's batch then inserts one job
// instead of one per request, and its verification begins once the burst
// is over (linkbacks.Limits' FloodDelay).
type LinkbackVerifyLaterArgs struct {
	Pairs []LinkbackVerifyArgs `json:"pairs"`
	At    time.Time            `json:"-"` // an insert option, not in the JSON
}

// Kind names the job type.
func (LinkbackVerifyLaterArgs) Kind() string { return "linkback_verify_later" }

// InsertOpts puts the job on the linkback queue, at a.At.
func (a LinkbackVerifyLaterArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLinkback, MaxAttempts: 5, ScheduledAt: a.At}
}

// LinkbackSendArgs notifies the sites a post links to (and, on update and
// delete, those it linked to before). The post writers enqueue it in the
// transaction that saves the post.
type LinkbackSendArgs struct {
	PostID int64 `json:"post_id"`
	// At delays the job to a scheduled post's publication time; zero
	// means now. It is an insert option, not part of the job's JSON.
	At time.Time `json:"-"`
}

// Kind names the job type.
func (LinkbackSendArgs) Kind() string { return "linkback_send" }

// InsertOpts puts sending on the linkback queue, at a.At.
func (a LinkbackSendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLinkback, ScheduledAt: a.At}
}

// LinkbackNotifyArgs sends what one target of a post is owed: a pingback
// (a newly linked target) and/or a webmention (new, changed or removed).
// The send job enqueues it, one per target, when it plans a post's sends.
type LinkbackNotifyArgs struct {
	PostID     int64  `json:"post_id"`
	Target     string `json:"target"`
	Pingback   bool   `json:"pingback"`
	Webmention bool   `json:"webmention"`
}

// Kind names the job type.
func (LinkbackNotifyArgs) Kind() string { return "linkback_notify" }

// InsertOpts: network errors are retried with River's back-off (attempt⁴
// seconds: about 1 s, 16 s, 81 s, 4 min, 10 min, 22 min); faults are not.
func (LinkbackNotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLinkback, MaxAttempts: 7}
}

// ImportArgs runs the import of an uploaded WordPress file (import_jobs
// row ImportID) in the background.
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
}

// Kind names the job type.
func (ImportArgs) Kind() string { return "wxr_import" }

// InsertOpts: a failed attempt (the database went away) is retried; the
// import is idempotent, so a retry continues where the last one stopped.
func (ImportArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// Enqueuer inserts a job in a transaction, to run once it commits
// (jobs.Queue).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error
}

// EnqueueAll inserts jobs in tx: in one statement when q can
// (jobs.Queue.EnqueueMany: a batch's jobs then cost one round trip),
// else one by one.
func EnqueueAll(ctx context.Context, q Enqueuer, tx pgx.Tx, jobs []river.JobArgs) error {
	if len(jobs) == 0 {
		return nil
	}
	if m, ok := q.(interface {
		EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error
	}); ok {
		return m.EnqueueMany(ctx, tx, jobs)
	}
	for _, j := range jobs {
		if err := q.Enqueue(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}
