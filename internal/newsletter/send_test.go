package newsletter_test

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/config"
	"quire/internal/jobs"
	"quire/internal/mail"
	"quire/internal/mailpit"
	"quire/internal/newsletter"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/store"
	"quire/internal/store/storetest"
	"quire/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var base, _ = url.Parse("http://blog.quire.test")

// fixture is a database with n confirmed subscribers and Mailpit.
type fixture struct {
	url string
	st  *store.Store
	mp  *mailpit.Server
}

func newFixture(t *testing.T, n int, o mailpit.Options) *fixture {
	t.Helper()
	f := &fixture{url: storetest.URL(t), mp: mailpit.Start(t, o)}
	f.st = f.open(t)
	_, err := f.st.Pool.Exec(context.Background(), `INSERT INTO subscribers (email, email_hash, status, confirmed_at)
		SELECT e, sha256(convert_to(e, 'UTF8')), 'confirmed', now()
		FROM (SELECT 'reader' || i || '@mail.test' AS e FROM generate_series(1, $1) i) s`, n)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// open is a node's own pool on the fixture's database.
func (f *fixture) open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), f.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// publish creates a post that is public now.
func (f *fixture) publish(t *testing.T, title string) *post.Post {
	t.Helper()
	ctx := context.Background()
	u := &account.User{Username: "ann", Email: "ann@mail.test", Role: account.Author, PasswordHash: "x"}
	if err := store.CreateUser(ctx, f.st.Pool, u); err != nil {
		t.Fatal(err)
	}
	p := &post.Post{AuthorID: u.ID, Title: title, BodySource: "Body of " + title + ".", Status: post.Published,
		PublishedAt: time.Now().Add(-time.Second), CommentPolicy: post.CommentsOpen}
	p.Normalize()
	if err := p.Render(render.New()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreatePost(ctx, f.st.Pool, nil, u.ID, p); err != nil {
		t.Fatal(err)
	}
	// Past the five seconds the tick leaves a just-saved post alone.
	if _, err := f.st.Pool.Exec(ctx, `UPDATE posts SET updated_at = now() - interval '1 minute' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) sender(t *testing.T, st *store.Store, perMinute int) *newsletter.Sender {
	t.Helper()
	smtp, err := mail.NewSMTP(f.mp.URL("blog@quire.test"), "")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := newsletter.LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	return &newsletter.Sender{Store: st, Dialer: smtp, Templates: tpl, Tokens: newsletter.Tokens{Key: []byte("k")}, Base: base,
		PerMinute: perMinute, Log: slog.New(slog.DiscardHandler)}
}

// node starts a Quire node's background jobs on its own pool.
func (f *fixture) node(t *testing.T, ctx context.Context, perMinute int) *jobs.Queue {
	t.Helper()
	st := f.open(t)
	svc, err := app.New(ctx, app.Deps{Config: config.Config{BaseURL: base, DataDir: t.TempDir()}, Store: st, WebFS: web.FS, Work: true,
		Jobs: jobs.Deps{PollInterval: 50 * time.Millisecond,
			Newsletter: jobs.NewsletterDeps{Sender: f.sender(t, st, perMinute), Every: 200 * time.Millisecond, Budget: time.Second}}})
	if err != nil {
		t.Fatal(err)
	}
	q := svc.Jobs
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return q
}

func (f *fixture) counts(t *testing.T) map[string]int {
	t.Helper()
	rows, err := f.st.Pool.Query(context.Background(), `SELECT status, count(*) FROM newsletter_deliveries GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		_ = rows.Scan(&s, &n)
		out[s] = n
	}
	return out
}

// TestSendOnceAcrossNodes: a post goes to every subscriber exactly once
// with two nodes running, the one sending killed mid-batch (its jobs'
// contexts cancelled and its River client stopped): the other takes over.
func TestSendOnceAcrossNodes(t *testing.T) {
	const n = 300
	f := newFixture(t, n, mailpit.Options{})
	f.publish(t, "Two nodes")
	ctxA, killA := context.WithCancel(context.Background())
	defer killA()
	f.node(t, ctxA, 6000) // 100 a second: 3 s for all
	deadline := time.Now().Add(20 * time.Second)
	for f.mp.Total() < n/5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	f.node(t, ctxB, 6000)
	killA()
	sentByA := f.mp.Total()
	t0 := time.Now()
	if sentByA >= n {
		t.Fatalf("node A sent everything (%d) before it was killed", sentByA)
	}
	for f.counts(t)["sent"] < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if c := f.counts(t); c["sent"] != n {
		t.Fatalf("deliveries %v", c)
	}
	t.Logf("node A sent %d before it was killed; node B finished in %v", sentByA, time.Since(t0).Round(time.Millisecond))
	time.Sleep(200 * time.Millisecond)
	if total := f.mp.Total(); total != n {
		t.Fatalf("Mailpit holds %d mails for %d subscribers (A sent %d before it died)", total, n, sentByA)
	}
	seen := map[string]bool{}
	for _, m := range f.mp.Messages("", n+10) {
		a := strings.ToLower(m.To[0].Address)
		if seen[a] {
			t.Errorf("%s got the post twice", a)
		}
		seen[a] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct recipients", len(seen))
	}
	var state string
	_ = f.st.Pool.QueryRow(context.Background(), `SELECT state FROM newsletter_issues WHERE kind = 'post'`).Scan(&state)
	if state != "done" {
		t.Errorf("issue %s", state)
	}
}

// TestCrashedDeliveryNotResent: a delivery a dead node left 'sending' is
// marked interrupted and never sent again; two senders sharing an issue
// send each of the rest once; a hard SMTP refusal is recorded and, after
// MaxFailures, marks the address failing.
func TestCrashedDeliveryNotResent(t *testing.T) {
	f := newFixture(t, 20, mailpit.Options{AllowedRecipients: `^reader([0-9]|1[0-8])@mail\.test$`}) // reader19, reader20 refused
	f.publish(t, "Crash")
	ctx := context.Background()
	s1, s2 := f.sender(t, f.st, 0), f.sender(t, f.open(t), 0)
	issues, err := s1.Tick(ctx)
	if err != nil || len(issues) != 1 {
		t.Fatalf("tick: %v %v", issues, err)
	}
	if again, _ := s2.Tick(ctx); len(again) != 1 || again[0] != issues[0] {
		t.Fatalf("second tick claimed again: %v", again)
	}
	d, err := store.ClaimDelivery(ctx, f.st.Pool, issues[0]) // a node claims, then dies
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.st.Pool.Exec(ctx, `UPDATE newsletter_deliveries SET updated_at = now() - interval '11 minutes' WHERE status = 'sending'`)
	if _, err := s1.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	for _, s := range []*newsletter.Sender{s1, s2} {
		go func() { _, err := s.SendIssue(ctx, issues[0], time.Minute); done <- err }()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// The lock lets one sender through at a time; the other may have found
	// it taken and left the rest: finish as a later job would.
	if _, err := s2.SendIssue(ctx, issues[0], time.Minute); err != nil {
		t.Fatal(err)
	}
	c := f.counts(t)
	if c["interrupted"] != 1 || c["sent"] != 17 || c["failed"] != 2 {
		t.Fatalf("deliveries %v", c)
	}
	if got := f.mp.Messages("to:"+d.Email, 5); len(got) != 0 {
		t.Errorf("the interrupted delivery to %s was sent again", d.Email)
	}
	if f.mp.Total() != 17 {
		t.Errorf("Mailpit holds %d", f.mp.Total())
	}
	var failures int
	var status string
	_ = f.st.Pool.QueryRow(ctx, `SELECT failures, status FROM subscribers WHERE email = 'reader20@mail.test'`).Scan(&failures, &status)
	if failures != 1 || status != "confirmed" {
		t.Errorf("after one refusal: %d failures, %s", failures, status)
	}
	_, _ = f.st.Pool.Exec(ctx, `UPDATE subscribers SET failures = $1 WHERE email = 'reader20@mail.test'`, newsletter.MaxFailures-1)
	if err := store.SubscriberFailed(ctx, f.st.Pool, mustID(t, f, "reader20@mail.test"), "550", newsletter.MaxFailures); err != nil {
		t.Fatal(err)
	}
	_ = f.st.Pool.QueryRow(ctx, `SELECT status FROM subscribers WHERE email = 'reader20@mail.test'`).Scan(&status)
	if status != "failing" {
		t.Errorf("after %d refusals: %s", newsletter.MaxFailures, status)
	}
}

func mustID(t *testing.T, f *fixture, email string) int64 {
	t.Helper()
	var id int64
	if err := f.st.Pool.QueryRow(context.Background(), `SELECT id FROM subscribers WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWeeklyDigest: once a week is over, its posts go to the weekly
// subscribers in one mail, once; every-post subscribers get no digest.
func TestWeeklyDigest(t *testing.T) {
	f := newFixture(t, 3, mailpit.Options{}) // reader1-3: every post
	ctx := context.Background()
	_, err := f.st.Pool.Exec(ctx, `UPDATE subscribers SET mode = 'weekly' WHERE email IN ('reader1@mail.test', 'reader2@mail.test')`)
	if err != nil {
		t.Fatal(err)
	}
	p := f.publish(t, "Last week's news")
	week := newsletter.WeekStart(time.Now()).AddDate(0, 0, -7)
	if _, err := f.st.Pool.Exec(ctx, `UPDATE posts SET published_at = $2 WHERE id = $1`, p.ID, week.Add(30*time.Hour)); err != nil {
		t.Fatal(err)
	}
	s := f.sender(t, f.st, 0)
	issues, err := s.Tick(ctx)
	if err != nil || len(issues) != 1 {
		t.Fatalf("tick: %v %v (a post older than the lookback must not be mailed on its own)", issues, err)
	}
	if again, _ := s.Tick(ctx); len(again) != 1 {
		t.Fatalf("second tick: %v", again)
	}
	if more, err := s.SendIssue(ctx, issues[0], time.Minute); err != nil || more {
		t.Fatal(more, err)
	}
	got := f.mp.Messages("", 10)
	if len(got) != 2 {
		t.Fatalf("%d digests, want 2", len(got))
	}
	for _, m := range got {
		if a := m.To[0].Address; a == "reader3@mail.test" || !strings.Contains(m.Subject, week.Format("2 January 2006")) {
			t.Errorf("digest %q to %s", m.Subject, a)
		}
		if txt := f.mp.Message(m.ID).Text; !strings.Contains(txt, "Last week's news") {
			t.Errorf("digest text without the post: %q", txt)
		}
	}
}

// TestSendOnOneConnection: sending an issue needs one database connection,
// the one holding the issue's lock. A sender that took a second one while
// holding the first would wait forever on a pool of one; on a real node,
// enough sends at once held the whole pool and stopped every page.
func TestSendOnOneConnection(t *testing.T) {
	f := newFixture(t, 5, mailpit.Options{})
	f.publish(t, "One connection")
	one, err := store.Open(context.Background(), f.url+"&pool_max_conns=1")
	if err != nil {
		one, err = store.Open(context.Background(), f.url+"?pool_max_conns=1")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(one.Close)
	s := f.sender(t, one, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	issues, err := s.Tick(ctx)
	if err != nil || len(issues) != 1 {
		t.Fatalf("tick: %v %v", issues, err)
	}
	more, err := s.SendIssue(ctx, issues[0], 20*time.Second)
	if err != nil || more {
		t.Fatalf("SendIssue on a pool of one connection: more %v, %v", more, err)
	}
	if c := f.counts(t); c["sent"] != 5 {
		t.Fatalf("deliveries %v, want 5 sent", c)
	}
}
