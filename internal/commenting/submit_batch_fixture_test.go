package commenting

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/batch"
	"quire/internal/comment"
	"quire/internal/jobargs"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
)

// batchJobs is the queue of these tests: each job is a marker row per
// comment it is about, in the transaction that enqueued it, so it exists
// only if that commits; hook, when set, runs once in the next
// EnqueueMany (in a batch: when one of its comments opts in to reply
// notifications). The comments' own events are not jobs but rows of
// comment_events (eventExists).
type batchJobs struct {
	mu     sync.Mutex
	hook   func(ctx context.Context) error
	hooked bool // hook ran
}

func (q *batchJobs) Enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	return q.EnqueueMany(ctx, tx, []river.JobArgs{args})
}

func (q *batchJobs) EnqueueMany(ctx context.Context, tx pgx.Tx, args []river.JobArgs) error {
	q.mu.Lock()
	hook := q.hook
	q.hook = nil
	q.hooked = q.hooked || hook != nil
	q.mu.Unlock()
	if hook != nil {
		if err := hook(ctx); err != nil {
			return err
		}
	}
	var keys []string // a row per comment a job is about
	for _, a := range args {
		switch a := a.(type) {
		case jobargs.CommentArgs:
			for _, id := range a.IDs() {
				keys = append(keys, fmt.Sprintf("test_job:%s:%d", a.Kind(), id))
			}
		case jobargs.NotifyConfirmArgs:
			keys = append(keys, fmt.Sprintf("test_job:%s:%d", a.Kind(), a.CommentID))
		default:
			keys = append(keys, "test_job:"+a.Kind())
		}
	}
	for _, key := range keys {
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, '""')`, key); err != nil {
			return err
		}
	}
	return nil
}

type batchFixture struct {
	svc  *Service
	jobs *batchJobs
	st   *store.Store
	user *account.User // an author
	post *post.Post
}

func newBatchFixture(t *testing.T, change func(*Settings)) *batchFixture {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	u := &account.User{Username: "ann", Email: "ann@mail.invalid", Role: account.Author}
	if err := store.CreateUser(ctx, st.Pool, u); err != nil {
		t.Fatal(err)
	}
	f := &batchFixture{jobs: &batchJobs{}, st: st, user: u}
	f.svc = &Service{Store: st, Render: render.New(), Jobs: f.jobs, Key: []byte("k")}
	f.post = f.newPost(t, "Busy")
	cfg := DefaultSettings()
	if change != nil {
		change(&cfg)
	}
	if err := f.svc.SaveSettings(ctx, u.ID, cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Settings(ctx); err != nil { // cached: no connection needed later
		t.Fatal(err)
	}
	return f
}

func (f *batchFixture) newPost(t *testing.T, title string) *post.Post {
	t.Helper()
	p := &post.Post{AuthorID: f.user.ID, Title: title, Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	p.Normalize()
	if err := store.CreatePost(context.Background(), f.st.Pool, nil, f.user.ID, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// guest is a guest's comment on postID from ip.
func guest(postID int64, ip, email, body string) Submission {
	return Submission{PostID: postID, IP: netip.MustParseAddr(ip), SinceForm: 5 * time.Second,
		Draft: comment.Draft{AuthorName: "Reader", AuthorEmail: email, Body: body}}
}

// inOneBatch runs subs as one batch, in their order, and returns each
// one's outcome.
func (f *batchFixture) inOneBatch(t *testing.T, subs ...Submission) []*submitCall {
	t.Helper()
	ctx := context.Background()
	calls := make([]*submitCall, len(subs))
	for i, sub := range subs {
		c, err := f.svc.prepare(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		c.done = make(chan struct{})
		calls[i] = c
	}
	f.svc.runCalls(ctx, calls)
	return calls
}

// eventExists reports whether the created event of id was committed
// (comment_events), and in how many events rows it is.
func (f *batchFixture) eventExists(t *testing.T, id int64) (bool, int) {
	t.Helper()
	var n int
	err := f.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM comment_events WHERE $1 = ANY(comment_ids)`,
		id).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0, n
}

// largestEvent is the most comments one comment_events row names: the
// largest batch stored.
func (f *batchFixture) largestEvent(t *testing.T) int {
	t.Helper()
	var n int
	err := f.st.Pool.QueryRow(context.Background(), `SELECT coalesce(max(cardinality(comment_ids)), 0) FROM comment_events`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkStored checks that res is what is stored: the comment's row with
// the same path, time and status, and its event (once) unless it is
// spam.
func (f *batchFixture) checkStored(t *testing.T, res *Result) {
	t.Helper()
	c, err := store.CommentByID(context.Background(), f.st.Pool, res.Comment.ID)
	if err != nil {
		t.Fatalf("comment %d: %v", res.Comment.ID, err)
	}
	if c.Path != res.Comment.Path || !c.CreatedAt.Equal(res.Comment.CreatedAt) || c.Status != res.Comment.Status ||
		c.ParentID != res.Comment.ParentID || c.Depth != res.Comment.Depth || c.BodyHTML != res.Comment.BodyHTML {
		t.Errorf("comment %d: stored %+v, answered %+v", c.ID, c.Comment, res.Comment.Comment)
	}
	if ok, rows := f.eventExists(t, c.ID); ok != (c.Status != comment.StatusSpam) || rows > 1 {
		t.Errorf("comment %d (%s): event committed is %v, in %d rows", c.ID, c.Status, ok, rows)
	}
}

// outcome is what a test compares of a submission's result.
func outcome(res *Result, err error) string {
	if err != nil {
		if e, ok := apperr.As(err); ok {
			return fmt.Sprintf("error %s", e.Code)
		}
		return "error " + err.Error()
	}
	var codes []string
	for _, r := range res.Comment.Reasons {
		codes = append(codes, string(r.Code))
	}
	return fmt.Sprintf("%s %v", res.Comment.Status, codes)
}

// holdPool takes every connection of the pool, so that the lanes wait
// while comments queue; the returned func gives them back (and so does
// the test's end, if it fails first).
func holdPool(t *testing.T, pool *pgxpool.Pool) func() {
	t.Helper()
	var held []*pgxpool.Conn
	for range pool.Config().MaxConns {
		c, err := pool.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			for _, c := range held {
				c.Release()
			}
		})
	}
	t.Cleanup(release)
	return release
}

// waitQueue waits until n comments are queued and lanes lanes run.
func (f *batchFixture) waitQueue(t *testing.T, n, lanes int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		q, l := f.svc.batch.State()
		if q == n && l == lanes {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d comments queued, %d lanes, want %d and %d", q, l, n, lanes)
		}
	}
}

// busyLanes submits a comment for each lane, one after the other, so
// that each lane takes one and waits (for a connection, under holdPool);
// the returned func waits for their answers and checks them. A lane
// beside a running one then starts for a single comment (ExtraAt 1): the
// default's threshold is batch.Lanes' own test's.
func (f *batchFixture) busyLanes(t *testing.T) func() {
	t.Helper()
	f.svc.batch.ExtraAt = 1
	var wg sync.WaitGroup
	errs := make([]error, batch.DefaultLanes)
	for i := range batch.DefaultLanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.Submit(context.Background(), guest(f.post.ID, fmt.Sprintf("203.0.113.%d", i+1),
				fmt.Sprintf("lane%d@mail.invalid", i), fmt.Sprintf("Lane %d.", i)))
		}()
		f.waitQueue(t, 0, i+1)
	}
	return func() {
		t.Helper()
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("lane %d's comment: %v", i, err)
			}
		}
	}
}
