package store_test

import (
	"context"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/post"
	"quire/internal/store"
)

// TestSignalsWindows: each of the sender's ranges is read once for its
// rate count and the duplicate check, over the longer of the two
// windows; each figure still counts only its own window. The sender's
// earlier comments: "by Old" 30 minutes ago from 192.0.2.7 as
// old@mail.invalid, on post p.
func TestSignalsWindows(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Author)
	p := mustPost(t, s.Pool, ann, "Windows", post.Published, time.Now().Add(-time.Hour))
	other := mustPost(t, s.Pool, ann, "Other", post.Published, time.Now().Add(-time.Hour))
	old := mustComment(t, s.Pool, p.ID, nil, "Old", "old@mail.invalid", comment.StatusHeld)
	if _, err := s.Pool.Exec(ctx, `UPDATE comments SET created_at = now() - interval '30 minutes' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	const short, long = 10 * time.Minute, time.Hour
	for _, tc := range []struct {
		name                string
		post                int64
		email, ip, body     string
		ipWin, emailWin, dw time.Duration
		want                store.Signals
	}{
		{"address: rate window short, duplicate window long", p.ID, "new@mail.invalid", "192.0.2.7", "by Old", short, short, long,
			store.Signals{Duplicate: true}},
		{"address: rate window long, duplicate window short", p.ID, "new@mail.invalid", "192.0.2.7", "by Old", long, long, short,
			store.Signals{RecentFromIP: 1}},
		{"e-mail: rate window short, duplicate window long", p.ID, "OLD@mail.invalid", "198.51.100.1", "by Old", short, short, long,
			store.Signals{Duplicate: true}},
		{"e-mail: rate window long, duplicate window short", p.ID, "old@mail.invalid", "198.51.100.1", "by Old", long, long, short,
			store.Signals{RecentFromEmail: 1}},
		{"both long, other text", p.ID, "old@mail.invalid", "192.0.2.7", "new words", long, long, long,
			store.Signals{RecentFromIP: 1, RecentFromEmail: 1}},
		{"same text on another post", other.ID, "old@mail.invalid", "192.0.2.7", "by Old", long, long, long,
			store.Signals{RecentFromIP: 1, RecentFromEmail: 1}},
		{"neither address nor e-mail", p.ID, "", "", "by Old", long, long, long, store.Signals{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := store.CommentSignals(ctx, s.Pool, tc.post, tc.email, tc.ip, tc.body, tc.ipWin, tc.emailWin, tc.dw)
			if err != nil || got != tc.want {
				t.Errorf("CommentSignals = %+v, %v; want %+v", got, err, tc.want)
			}
			r, err := store.CommentSubmitRead(ctx, s.Pool, tc.post, tc.email, tc.ip, tc.body, tc.ipWin, tc.emailWin, tc.dw)
			if err != nil || r.Signals != tc.want {
				t.Errorf("CommentSubmitRead's signals = %+v, %v; want %+v", r.Signals, err, tc.want)
			}
		})
	}
}
