package jobs_test

import (
	"context"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/comment"
	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/post"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestNotifications runs a working queue over a test database with the
// outbox mailer: moderators hear of held comments, the post's author of
// approved ones, an opted-in commenter of replies (after confirming), and
// nobody of spam.
func TestNotifications(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	_, sv := mailingQueue(t, st)

	mk := func(name string, role account.Role) *account.User {
		u := &account.User{Username: name, Email: name + "@staff.invalid", Role: role}
		if err := store.CreateUser(ctx, st.Pool, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	ann := mk("ann", account.Author)
	mk("mo", account.Moderator)
	p := publishedPost(t, st, ann, "Mail me")
	svc := sv.Comments
	submit := func(email, body string, parent int64, notify bool) *commenting.Result {
		t.Helper()
		res, err := svc.Submit(ctx, commenting.Submission{PostID: p.ID, IP: netip.MustParseAddr("192.0.2.1"), Notify: notify,
			SinceForm: time.Minute, Draft: comment.Draft{AuthorName: "R", AuthorEmail: email, Body: body, ParentID: parent}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	held := submit("rita@mail.invalid", "Hello there", 0, true)
	if held.Comment.Status != comment.StatusHeld {
		t.Fatalf("first comment %s", held.Comment.Status)
	}
	waitMail(t, st, "mo@staff.invalid", "waiting for moderation")
	confirm := waitMail(t, st, "rita@mail.invalid", "Confirm reply notifications")
	if _, err := svc.Moderate(ctx, &account.User{ID: 0, Role: account.Admin}, []int64{held.Comment.ID}, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	waitMail(t, st, "ann@staff.invalid", "New comment on \"Mail me\"")

	// Confirm the address as the link would.
	i := strings.Index(confirm.Body, "/comments/confirm?t=")
	tok := strings.Fields(confirm.Body[i+len("/comments/confirm?t="):])[0]
	if _, err := store.ConfirmNotifyAddress(ctx, st.Pool, commenting.TokenHash(tok)); err != nil {
		t.Fatalf("confirming: %v", err)
	}
	submit("sam@mail.invalid", "Welcome!", held.Comment.ID, false) // sam is new: held
	sam := submit("rita@mail.invalid", "Thanks", 0, false)         // known: approved
	if sam.Comment.Status != comment.StatusApproved {
		t.Fatalf("known commenter %s", sam.Comment.Status)
	}
	// Approve sam's reply: rita hears of it, with List-Unsubscribe.
	items, _, _ := store.Queue(ctx, st.Pool, store.QueueFilter{})
	if _, err := svc.Moderate(ctx, &account.User{Role: account.Admin}, []int64{items[0].ID}, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	reply := waitMail(t, st, "rita@mail.invalid", "New reply to your comment")
	if !strings.HasPrefix(reply.Headers["List-Unsubscribe"], "<http://blog.invalid/comments/") ||
		reply.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("reply headers %v", reply.Headers)
	}

	// Spam sends nothing.
	waitIdle(t, st)
	before := len(outbox(t, st))
	spam := submit("rita@mail.invalid", "Thanks", 0, false) // duplicate → spam
	if spam.Comment.Status != comment.StatusSpam {
		t.Fatalf("duplicate %s", spam.Comment.Status)
	}
	time.Sleep(300 * time.Millisecond)
	waitIdle(t, st)
	if after := len(outbox(t, st)); after != before {
		t.Errorf("spam sent %d mails", after-before)
	}
}

// publishedPost stores a post by author, published an hour ago.
func publishedPost(t testing.TB, st *store.Store, author *account.User, title string) *post.Post {
	t.Helper()
	p := &post.Post{AuthorID: author.ID, Title: title, Status: post.Published, PublishedAt: time.Now().Add(-time.Hour)}
	p.Normalize()
	if err := store.CreatePost(context.Background(), st.Pool, nil, author.ID, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// annsPost publishes a post titled title by a new author, ann.
func annsPost(t *testing.T, st *store.Store, title string) *post.Post {
	t.Helper()
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	createUsers(t, st, ann)
	return publishedPost(t, st, ann, title)
}

// createUsers stores each of us (their IDs are set).
func createUsers(tb testing.TB, st *store.Store, us ...*account.User) {
	tb.Helper()
	for _, u := range us {
		if err := store.CreateUser(context.Background(), st.Pool, u); err != nil {
			tb.Fatal(err)
		}
	}
}

// mailingQueue is startedQueue with the outbox mailer.
func mailingQueue(t *testing.T, st *store.Store) (*jobs.Queue, *app.Services) {
	t.Helper()
	return startedQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond})
}

// startedQueue is workingQueue, started, and stopped when the test ends.
func startedQueue(t *testing.T, st *store.Store, d jobs.Deps) (*jobs.Queue, *app.Services) {
	t.Helper()
	q, sv := workingQueue(t, st, d)
	startQueue(t, q)
	return q, sv
}

// startQueue starts q's workers and stops them when the test ends.
func startQueue(t *testing.T, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
}

// workingQueue builds the workflows over st and a queue that works jobs
// with d, as quire serve does (app.New).
func workingQueue(t testing.TB, st *store.Store, d jobs.Deps) (*jobs.Queue, *app.Services) {
	t.Helper()
	base, _ := url.Parse("http://blog.invalid")
	sv, err := app.New(context.Background(), app.Deps{Config: config.Config{BaseURL: base, DataDir: t.TempDir()}, Store: st,
		WebFS: web.FS, Jobs: d, Work: true})
	if err != nil {
		t.Fatal(err)
	}
	return sv.Jobs, sv
}

// waitIdle waits until River has no job left to run.
func waitIdle(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := st.Pool.QueryRow(context.Background(),
			`SELECT (SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled'))
				+ (SELECT count(*) FROM comment_events) + (SELECT count(*) FROM linkback_verify_events)`).Scan(&n)
		if err == nil && n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("jobs still pending")
}

func outbox(t *testing.T, st *store.Store) []store.OutboxMail {
	m, err := store.Outbox(context.Background(), st.Pool, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// waitMail waits for a message to to whose subject contains subject.
func waitMail(t *testing.T, st *store.Store, to, subject string) store.OutboxMail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range outbox(t, st) {
			if m.To == to && strings.Contains(m.Subject, subject) {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var got []string
	for _, m := range outbox(t, st) {
		got = append(got, m.To+": "+m.Subject)
	}
	t.Fatalf("no mail to %s about %q; outbox: %q", to, subject, got)
	return store.OutboxMail{}
}

// TestPrune: the hourly job deletes old spam (audited as Quire's own
// action), posts and comments in the trash longer than the site's 30
// days, old outbox mail and old held-mail counts, and keeps the rest.
func TestPrune(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	p := annsPost(t, st, "Spammed")
	binned := publishedPost(t, st, &account.User{ID: p.AuthorID}, "Binned long ago")
	if _, err := st.Pool.Exec(ctx, `UPDATE posts SET status = 'trashed' WHERE id = $1`, binned.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE posts SET trashed_at = now() - interval '31 days' WHERE id = $1`, binned.ID); err != nil {
		t.Fatal(err)
	}
	trashed := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusHeld, BodySource: "binned"}}
	if err := store.CreateComment(ctx, st.Pool, trashed); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE comments SET status = 'trash' WHERE id = $1`, trashed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE comments SET trashed_at = now() - interval '31 days' WHERE id = $1`, trashed.ID); err != nil {
		t.Fatal(err)
	}
	for _, age := range []string{"20 days", "1 day"} {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindComment, Status: comment.StatusSpam, BodySource: age}}
		if err := store.CreateComment(ctx, st.Pool, n); err != nil {
			t.Fatal(err)
		}
		_, _ = st.Pool.Exec(ctx, `UPDATE comments SET created_at = now() - $2::interval WHERE id = $1`, n.ID, age)
		_ = store.PutOutbox(ctx, st.Pool, store.OutboxMail{To: "x@mail.invalid", Subject: age, Body: "b"})
		_, _ = st.Pool.Exec(ctx, `UPDATE mail_outbox SET created_at = now() - $1::interval * 3 WHERE subject = $1`, age)
		if _, err := st.Pool.Exec(ctx, `INSERT INTO held_mail_hours (email, hour, sent) VALUES ($1, date_trunc('hour', now() - $2::interval), 1)`,
			age, age); err != nil {
			t.Fatal(err)
		}
	}
	q, _ := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx) //nolint:errcheck
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var spam, mails, posts int
		var hours []string
		_ = st.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM mail_outbox),
			(SELECT array_agg(email) FROM held_mail_hours), (SELECT count(*) FROM posts)`).Scan(&spam, &mails, &hours, &posts)
		if spam == 1 && mails == 1 && len(hours) == 1 && hours[0] == "1 day" && posts == 1 {
			log, _ := store.AuditLog(ctx, st.Pool, store.AuditFilter{Limit: 5, Actor: store.NoAccount})
			if len(log) != 3 || log[0].Action != "comment.empty_trash" || log[0].After != "1 deleted" ||
				log[1].Action != "post.delete" || log[1].ItemID != binned.ID || log[2].Action != "comment.empty_spam" {
				t.Errorf("audit %+v", log)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("old spam, mail and held-mail counts not pruned")
}
