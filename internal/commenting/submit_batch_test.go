package commenting

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/batch"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/store"
)

// TestSubmitBatchConcurrent: comments submitted at once are stored in
// batches (one transaction, one comment_events row naming them), and
// each caller gets its own comment, stored with its event.
func TestSubmitBatchConcurrent(t *testing.T) {
	f := newBatchFixture(t, nil)
	ctx := context.Background()
	release := holdPool(t, f.st.Pool)
	lanesDone := f.busyLanes(t)
	const n = 22
	results := make([]*Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = f.svc.Submit(ctx, guest(f.post.ID, fmt.Sprintf("198.51.100.%d", i+1),
				fmt.Sprintf("r%d@mail.invalid", i), fmt.Sprintf("Comment number %d.", i)))
		}()
	}
	// The lanes wait for a connection; these queue for the next batch.
	f.waitQueue(t, n, batch.DefaultLanes)
	release()
	wg.Wait()
	lanesDone()
	ids := map[int64]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("comment %d: %v", i, errs[i])
		}
		res := results[i]
		if res.Comment.BodySource != fmt.Sprintf("Comment number %d.", i) || ids[res.Comment.ID] || res.Post.ID != f.post.ID {
			t.Errorf("comment %d: answered %+v", i, res.Comment.Comment)
		}
		ids[res.Comment.ID] = true
		if got := outcome(res, nil); got != "held [first_comment]" {
			t.Errorf("comment %d: %s", i, got)
		}
		f.checkStored(t, res)
	}
	var rows, commits int
	if err := f.st.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT created_at) FROM comments WHERE post_id = $1`,
		f.post.ID).Scan(&rows, &commits); err != nil {
		t.Fatal(err)
	}
	// (Two transactions begun in the same microsecond share a created_at:
	// at most, not exactly, three distinct.)
	if rows != n+batch.DefaultLanes || commits > batch.DefaultLanes+1 || f.largestEvent(t) != n {
		t.Errorf("%d rows in %d transactions, largest events row %d: want %d rows in at most %d, one row naming %d",
			rows, commits, f.largestEvent(t), n+batch.DefaultLanes, batch.DefaultLanes+1, n)
	}
}

// TestSubmitBatchAsSerial: a batch's comments are decided as if each had
// been stored before the next came: the same sequence (a member, a guest
// with the member's address, a duplicate, more comments from one IP than
// its rate limit and ten times that) sent as one batch and one by one
// gets the same answers, rate holds and 429s included.
func TestSubmitBatchAsSerial(t *testing.T) {
	f := newBatchFixture(t, func(s *Settings) {
		s.IPRateCount, s.IPRateMinutes, s.EmailRateCount, s.EmailRateMinutes = 2, 10, 1, 10
	})
	ctx := context.Background()
	seq := func(side, ip string) []Submission {
		m := &account.User{Username: side + "member", Email: side + "member@mail.invalid", Role: account.Member}
		if err := store.CreateUser(ctx, f.st.Pool, m); err != nil {
			t.Fatal(err)
		}
		member := guest(f.post.ID, ip, "", "Words of a member.")
		member.User = m
		subs := []Submission{member,
			guest(f.post.ID, ip, m.Email, "A guest with the member's address."),
			guest(f.post.ID, ip, side+"one@mail.invalid", "The same words."),
			guest(f.post.ID, ip, side+"one@mail.invalid", "The same words."),
		}
		for i := range 21 {
			subs = append(subs, guest(f.post.ID, ip, fmt.Sprintf("%s%d@mail.invalid", side, i), fmt.Sprintf("Filler %d.", i)))
		}
		return subs
	}
	batch := f.inOneBatch(t, seq("b", "192.0.2.1")...)
	var serial []string
	for _, sub := range seq("s", "192.0.2.2") {
		res, err := f.svc.Submit(ctx, sub) // one at a time: a batch of one each
		serial = append(serial, outcome(res, err))
	}
	for i, c := range batch {
		if got := outcome(c.res, c.err); got != serial[i] {
			t.Errorf("comment %d: in a batch %s, one by one %s", i, got, serial[i])
		}
		if c.err == nil {
			f.checkStored(t, c.res)
		}
	}
	// The sequence does reach every adjustment.
	for i, want := range map[int]string{0: "approved []", 1: "held [rate_limited]", 2: "held [rate_limited first_comment]",
		3: "spam [duplicate rate_limited rate_limited first_comment]", 24: "error " + string(apperr.TooMany)} {
		if serial[i] != want {
			t.Errorf("one by one, comment %d: %s, want %s", i, serial[i], want)
		}
	}
	// A second batch counts the first one's rows, read from the database.
	again := func(side, ip string) []Submission {
		return []Submission{guest(f.post.ID, ip, side+"new@mail.invalid", "New words."),
			guest(f.post.ID, "192.0.2.200", side+"one@mail.invalid", "Other words from "+side+".")}
	}
	wantAgain := []string{"error " + string(apperr.TooMany), "held [rate_limited first_comment]"}
	for i, c := range f.inOneBatch(t, again("b", "192.0.2.1")...) {
		res, err := f.svc.Submit(ctx, again("s", "192.0.2.2")[i])
		if got, one := outcome(c.res, c.err), outcome(res, err); got != wantAgain[i] || one != wantAgain[i] {
			t.Errorf("second batch, comment %d: %s, one by one %s, want %s", i, got, one, wantAgain[i])
		}
	}
	if got := f.largestEvent(t); got < 19 { // 20 stored, one of them spam
		t.Errorf("largest events row %d: the batch was not one", got)
	}
}

// TestSubmitBatchFailingMember: when the batch's INSERT fails (here a
// post deleted between the reads and the INSERT), its comments are tried
// again one by one: the others are stored, each in its own transaction,
// with their events, and the comment on the deleted post gets today's 404.
func TestSubmitBatchFailingMember(t *testing.T) {
	f := newBatchFixture(t, nil)
	gone := f.newPost(t, "Gone")
	f.jobs.hook = func(ctx context.Context) error {
		_, err := f.st.Pool.Exec(ctx, `DELETE FROM posts WHERE id = $1`, gone.ID)
		return err
	}
	first := guest(f.post.ID, "192.0.2.1", "a@mail.invalid", "First.")
	first.Notify = true // its confirmation job runs the hook, in the batch
	subs := []Submission{
		first,
		guest(gone.ID, "192.0.2.2", "b@mail.invalid", "On a post about to go."),
		guest(f.post.ID, "192.0.2.3", "c@mail.invalid", "Third."),
		guest(f.post.ID, "192.0.2.4", "d@mail.invalid", "Fourth."),
	}
	calls := f.inOneBatch(t, subs...)
	if e, ok := apperr.As(calls[1].err); !ok || e.Code != apperr.NotFound {
		t.Errorf("comment on the deleted post: %v, want not found", calls[1].err)
	}
	times := map[time.Time]bool{}
	for i, c := range calls {
		if i == 1 {
			continue
		}
		if c.err != nil {
			t.Fatalf("comment %d: %v", i, c.err)
		}
		f.checkStored(t, c.res)
		times[c.res.Comment.CreatedAt] = true
	}
	if len(times) != 3 || !f.jobs.hooked {
		t.Errorf("%d transactions for 3 comments (the post deleted in the batch: %v): want 3, tried one by one",
			len(times), f.jobs.hooked)
	}
}

// TestSubmitBatchReplies: replies in a batch read their parents with the
// batch: a reply to an approved comment is stored under it, one to a
// held comment is refused (parent_id), and a reply to a comment stored
// earlier in the same batch is attached to it as one by one.
func TestSubmitBatchReplies(t *testing.T) {
	f := newBatchFixture(t, nil)
	ctx := context.Background()
	mk := func(status comment.Status) *store.NewComment {
		n := &store.NewComment{Comment: comment.Comment{PostID: f.post.ID, Kind: comment.KindComment, Status: status,
			AuthorName: "Old", AuthorEmail: "old@mail.invalid", BodySource: "Old.", BodyHTML: "<p>Old.</p>"}}
		if err := store.CreateComment(ctx, f.st.Pool, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	approved, held := mk(comment.StatusApproved), mk(comment.StatusHeld)
	var next int64 // the id the batch's first read takes
	if err := f.st.Pool.QueryRow(ctx, `SELECT nextval('comments_id_seq'::regclass) + 1`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	staff := guest(f.post.ID, "192.0.2.1", "", "From the author.")
	staff.User = f.user // an author: approved
	reply := func(parent int64, body string) Submission {
		s := guest(f.post.ID, "192.0.2.2", "r@mail.invalid", body)
		s.Draft.ParentID = parent
		return s
	}
	notify := reply(approved.ID, "To the approved one again, mail me.")
	notify.Notify = true
	calls := f.inOneBatch(t, staff, reply(approved.ID, "To the approved one."), reply(held.ID, "To the held one."),
		reply(next, "To the author's, in the same batch."), notify)
	if calls[0].err != nil || calls[0].res.Comment.ID != next || calls[0].res.Comment.Status != comment.StatusApproved {
		t.Fatalf("the author's comment: %v, %+v (want id %d, approved)", calls[0].err, calls[0].res, next)
	}
	if e, ok := apperr.As(calls[2].err); !ok || e.Code != apperr.Invalid || e.Fields["parent_id"] == "" {
		t.Errorf("reply to a held comment: %v, want parent_id invalid", calls[2].err)
	}
	for i, parent := range map[int]*comment.Comment{1: &approved.Comment, 3: &calls[0].res.Comment.Comment, 4: &approved.Comment} {
		c := calls[i]
		if c.err != nil {
			t.Fatalf("reply %d: %v", i, c.err)
		}
		if got := c.res.Comment; got.ParentID != parent.ID || got.Depth != 1 || got.Path != comment.ChildPath(parent.Path, got.ID) {
			t.Errorf("reply %d: parent %d, depth %d, path %s; want under %d (%s)", i, got.ParentID, got.Depth, got.Path, parent.ID, parent.Path)
		}
		f.checkStored(t, c.res)
	}
	// The one who asked for mail starts the double opt-in, in the batch.
	var known, confirmJob bool
	if err := f.st.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notify_addresses WHERE email = 'r@mail.invalid'),
		EXISTS (SELECT 1 FROM settings WHERE key = $1)`, fmt.Sprintf("test_job:%s:%d", jobargs.NotifyConfirmArgs{}.Kind(),
		calls[4].res.Comment.ID)).Scan(&known, &confirmJob); err != nil {
		t.Fatal(err)
	}
	if !calls[4].res.Comment.Notify || !known || !confirmJob {
		t.Errorf("notify %v, address recorded %v, confirmation job %v: want all", calls[4].res.Comment.Notify, known, confirmJob)
	}
}

// TestSubmitCallerGivesUp: a caller whose context ends while its comment
// waits in the queue gets the context's error, and its comment is never
// stored; the batches around it are.
func TestSubmitCallerGivesUp(t *testing.T) {
	f := newBatchFixture(t, nil)
	ctx := context.Background()
	release := holdPool(t, f.st.Pool)
	lanesDone := f.busyLanes(t)
	cctx, cancel := context.WithCancel(ctx)
	gaveUp := make(chan error, 1)
	go func() {
		_, err := f.svc.Submit(cctx, guest(f.post.ID, "192.0.2.9", "gone@mail.invalid", "Never mind."))
		gaveUp <- err
	}()
	f.waitQueue(t, 1, batch.DefaultLanes)
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: %v, want context.Canceled", err)
	}
	release()
	lanesDone()
	var n, gone int
	if err := f.st.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE author_email = 'gone@mail.invalid')
		FROM comments WHERE post_id = $1`, f.post.ID).Scan(&n, &gone); err != nil {
		t.Fatal(err)
	}
	if n != batch.DefaultLanes || gone != 0 {
		t.Errorf("%d comments stored, %d of the caller that gave up; want %d and 0", n, gone, batch.DefaultLanes)
	}
}
