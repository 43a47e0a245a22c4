package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// mustComment stores an approved (or st) comment under parent (nil: top).
func mustComment(tb testing.TB, db store.DB, postID int64, parent *store.Comment, name, email string, st comment.Status) *store.Comment {
	tb.Helper()
	ctx := context.Background()
	n := &store.NewComment{Comment: comment.Comment{PostID: postID, Kind: comment.KindComment, Status: st,
		AuthorName: name, AuthorEmail: email, BodySource: "by " + name, BodyHTML: "<p>by " + name + "</p>", IP: "192.0.2.7"}}
	if parent != nil {
		n.ParentID, n.Depth, n.ParentPath = comment.Attach(&parent.Comment, 5)
	}
	n.Reasons = []moderation.Reason{{Code: moderation.ReasonFirstComment, Action: moderation.Hold, Message: "First"}}
	if err := store.CreateComment(ctx, db, n); err != nil {
		tb.Fatal(err)
	}
	c, err := store.CommentByID(ctx, db, n.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCommentThreadAndQueue(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	mod := mustUser(t, s.Pool, "mo", account.Moderator)
	p := mustPost(t, s.Pool, ann, "Threads", post.Published, time.Now().Add(-time.Hour))
	other := mustPost(t, s.Pool, ann, "Other", post.Published, time.Now().Add(-time.Hour))

	a := mustComment(t, s.Pool, p.ID, nil, "A", "a@mail.invalid", comment.StatusApproved)
	mustComment(t, s.Pool, p.ID, nil, "B", "b@mail.invalid", comment.StatusApproved)
	a1 := mustComment(t, s.Pool, p.ID, a, "A1", "c@mail.invalid", comment.StatusApproved)
	held := mustComment(t, s.Pool, p.ID, a, "Held", "spam@mail.invalid", comment.StatusHeld)
	a11 := mustComment(t, s.Pool, p.ID, a1, "A11", "a@mail.invalid", comment.StatusApproved)
	mustComment(t, s.Pool, other.ID, nil, "X", "x@mail.invalid", comment.StatusApproved)

	if a1.Depth != 1 || a11.Depth != 2 || a11.Path != comment.ChildPath(a1.Path, a11.ID) {
		t.Fatalf("depth/path: %+v %+v", a1.Comment, a11.Comment)
	}
	if len(held.Reasons) != 1 || held.Reasons[0].Code != moderation.ReasonFirstComment || held.IP != "192.0.2.7" {
		t.Errorf("stored reasons/ip: %+v %q", held.Reasons, held.IP)
	}
	th, err := store.Thread(ctx, s.Pool, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range th {
		order = append(order, c.AuthorName)
		if c.AuthorEmail != "" || c.IP != "" {
			t.Errorf("thread leaks private fields: %+v", c)
		}
	}
	if got := join(order); got != "A A1 A11 B" {
		t.Errorf("thread order %q", got)
	}
	counts, err := store.CommentCounts(ctx, s.Pool, []int64{p.ID, other.ID})
	if err != nil || counts[p.ID] != 4 || counts[other.ID] != 1 {
		t.Errorf("counts %v %v", counts, err)
	}

	sig, err := store.CommentSignals(ctx, s.Pool, p.ID, "A@mail.invalid", "192.0.2.7", "by A", time.Hour, time.Hour, time.Hour)
	if err != nil || !sig.KnownAuthor || sig.RecentFromIP != 6 || sig.RecentFromEmail != 2 || !sig.Duplicate {
		t.Errorf("signals %+v %v", sig, err)
	}
	sig, err = store.CommentSignals(ctx, s.Pool, p.ID, "spam@mail.invalid", "", "new text", 0, 0, 0)
	if err != nil || sig.KnownAuthor || sig.RecentFromIP != 0 || sig.Duplicate {
		t.Errorf("signals for held author %+v %v", sig, err)
	}

	items, next, err := store.Queue(ctx, s.Pool, store.QueueFilter{})
	if err != nil || len(items) != 1 || next != "" || items[0].ID != held.ID || items[0].ParentName != "A" || items[0].PostTitle != "Threads" {
		t.Fatalf("queue %+v next %q err %v", items, next, err)
	}
	ch, err := store.SetCommentStatus(ctx, s.Pool, mod.ID, []int64{held.ID, a.ID}, comment.StatusApproved)
	if err != nil || len(ch) != 1 || ch[0].Before != comment.StatusHeld {
		t.Fatalf("approve: %+v %v", ch, err)
	}
	log, _ := store.AuditLog(ctx, s.Pool, store.AuditFilter{Limit: 10})
	if len(log) == 0 || log[0].Action != "comment.approve" || log[0].Before != "held" || log[0].After != "approved" || log[0].Actor != "mo" {
		t.Errorf("audit %+v", log)
	}
	if replied, err := store.HasReplies(ctx, s.Pool, a.ID); err != nil || !replied {
		t.Errorf("HasReplies(a) = %v, %v", replied, err)
	}
	if _, err := store.HasReplies(ctx, s.Pool, 999999); err != apperr.ErrNotFound {
		t.Errorf("HasReplies(missing) = %v", err)
	}

	// Keyset pagination over spam.
	for range 5 {
		mustComment(t, s.Pool, p.ID, nil, "S", "s@mail.invalid", comment.StatusSpam)
	}
	var seen int
	var cur string
	for {
		items, next, err := store.Queue(ctx, s.Pool, store.QueueFilter{Status: comment.StatusSpam, Cursor: cur, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		seen += len(items)
		if next == "" {
			break
		}
		cur = next
	}
	if seen != 5 {
		t.Errorf("paged through %d spam, want 5", seen)
	}
	qc, _ := store.QueueCounts(ctx, s.Pool, nil)
	if qc[comment.StatusSpam] != 5 {
		t.Errorf("queue counts %v", qc)
	}
	n, err := store.EmptySpam(ctx, s.Pool, mod.ID, 0, time.Now().Add(time.Second), false)
	if err != nil || n != 5 {
		t.Errorf("empty spam %d %v", n, err)
	}
	// The housekeeping with nothing to delete leaves no audit row; a
	// moderator's press of the button always does.
	audits := func() (n int) {
		_ = s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'comment.empty_spam'`).Scan(&n)
		return n
	}
	before := audits()
	if n, err := store.EmptySpam(ctx, s.Pool, 0, 0, time.Now().Add(time.Second), true); err != nil || n != 0 || audits() != before {
		t.Errorf("an idle housekeeping run: %d deleted, %v, audit rows %d → %d", n, err, before, audits())
	}
	if _, err := store.EmptySpam(ctx, s.Pool, mod.ID, 0, time.Now().Add(time.Second), false); err != nil || audits() != before+1 {
		t.Errorf("a moderator's empty run: %v, audit rows %d → %d", err, before, audits())
	}
	del, err := store.DeleteComments(ctx, s.Pool, mod.ID, []int64{a1.ID})
	if err != nil || len(del) != 1 || del[0].Before != comment.StatusApproved {
		t.Fatalf("delete %+v %v", del, err)
	}
	// The reply of a deleted comment stays, now without a parent.
	got, err := store.CommentByID(ctx, s.Pool, a11.ID)
	if err != nil || got.ParentID != 0 {
		t.Errorf("orphan %+v %v", got, err)
	}
}

func TestPingbackUnique(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Pinged", post.Published, time.Now().Add(-time.Hour))
	mk := func() error {
		n := &store.NewComment{Comment: comment.Comment{PostID: p.ID, Kind: comment.KindPingback, Status: comment.StatusHeld,
			SourceURL: "https://blog.invalid/p/1", Title: "A post"}}
		return store.CreateComment(ctx, s.Pool, n)
	}
	if err := mk(); err != nil {
		t.Fatal(err)
	}
	if err := mk(); err == nil {
		t.Error("second pingback from the same source was accepted")
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}

func TestThreadPageNotifyOutbox(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Paged", post.Published, time.Now().Add(-time.Hour))
	a := mustComment(t, s.Pool, p.ID, nil, "A", "a@mail.invalid", comment.StatusApproved)
	mustComment(t, s.Pool, p.ID, nil, "B", "b@mail.invalid", comment.StatusApproved)
	mustComment(t, s.Pool, p.ID, a, "A1", "c@mail.invalid", comment.StatusApproved)
	var names []string
	after := ""
	for {
		page, err := store.ThreadPage(ctx, s.Pool, p.ID, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		names = append(names, page[0].AuthorName)
		after = page[0].Path
	}
	if got := join(names); got != "A A1 B" {
		t.Errorf("paged thread %q", got)
	}

	if known, confirmed, err := store.NotifyAddressState(ctx, s.Pool, "Rita@Mail.invalid"); known || confirmed || err != nil {
		t.Errorf("unknown address: %v %v %v", known, confirmed, err)
	}
	if err := store.CreateNotifyAddress(ctx, s.Pool, "Rita@Mail.invalid", []byte("hash1")); err != nil {
		t.Fatal(err)
	}
	if email, err := store.ConfirmNotifyAddress(ctx, s.Pool, []byte("hash1")); err != nil || email != "rita@mail.invalid" {
		t.Errorf("confirm: %q %v", email, err)
	}
	if _, err := store.ConfirmNotifyAddress(ctx, s.Pool, []byte("nope")); err != apperr.ErrNotFound {
		t.Errorf("confirm unknown: %v", err)
	}
	if known, confirmed, _ := store.NotifyAddressState(ctx, s.Pool, "rita@mail.invalid"); !known || !confirmed {
		t.Error("not confirmed")
	}
	for i := range 3 {
		if err := store.PutOutbox(ctx, s.Pool, store.OutboxMail{To: "x@mail.invalid", Subject: "S" + string(rune('0'+i)), Body: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := store.Outbox(ctx, s.Pool, 0, 2)
	if err != nil || len(m) != 2 || m[0].Subject != "S2" {
		t.Fatalf("outbox %+v %v", m, err)
	}
	if older, _ := store.Outbox(ctx, s.Pool, m[1].ID, 2); len(older) != 1 || older[0].Subject != "S0" {
		t.Errorf("older outbox %+v", older)
	}
	key1, err := store.SecretKey(ctx, s.Pool)
	key2, _ := store.SecretKey(ctx, s.Pool)
	if err != nil || len(key1) != 32 || string(key1) != string(key2) {
		t.Errorf("secret key not stable: %v", err)
	}
}
