package post

import (
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
)

// TestTransitionTable is the role × status table of the Publishing issue.
// Each actor has one row per current status (a new post first) and one
// column per target status, in the order draft, pending, scheduled,
// published, trashed: "y" allowed, "." refused.
func TestTransitionTable(t *testing.T) {
	const owner, other = 7, 8
	all := "yyyyy"
	none := "....."
	table := []struct {
		name string
		user *account.User
		post int64 // the post's author
		rows [6]string
	}{
		{"anonymous", nil, owner, [6]string{none, none, none, none, none, none}},
		{"admin", &account.User{ID: 1, Role: account.Admin}, owner, [6]string{"yyyy.", all, all, all, all, all}},
		{"editor", &account.User{ID: 2, Role: account.Editor}, owner, [6]string{"yyyy.", all, all, all, all, all}},
		{"author own", &account.User{ID: owner, Role: account.Author}, owner, [6]string{"yyyy.", all, all, all, all, all}},
		{"author other", &account.User{ID: owner, Role: account.Author}, other, [6]string{none, none, none, none, none, none}},
		{"contributor own", &account.User{ID: owner, Role: account.Contributor}, owner,
			[6]string{"yy...", "yy..y", "yy..y", none, none, "yy..y"}},
		{"contributor other", &account.User{ID: owner, Role: account.Contributor}, other, [6]string{none, none, none, none, none, none}},
		{"moderator", &account.User{ID: owner, Role: account.Moderator}, owner, [6]string{none, none, none, none, none, none}},
		{"member", &account.User{ID: owner, Role: account.Member}, owner, [6]string{none, none, none, none, none, none}},
		{"disabled author", &account.User{ID: owner, Role: account.Author, Disabled: true}, owner, [6]string{none, none, none, none, none, none}},
	}
	from := []Status{"", Draft, Pending, Scheduled, Published, Trashed}
	to := []Status{Draft, Pending, Scheduled, Published, Trashed}
	for _, tc := range table {
		for i, f := range from {
			var got strings.Builder
			for _, s := range to {
				p := &Post{ID: 1, AuthorID: tc.post, Status: f}
				if f == "" {
					p.ID = 0
					if tc.user != nil {
						p.AuthorID = tc.user.ID
					}
					if tc.post == other {
						p.AuthorID = other
					}
				}
				if err := Transition(tc.user, p, s); err == nil {
					got.WriteByte('y')
				} else {
					got.WriteByte('.')
					if c := apperr.CodeOf(err); c != apperr.Forbidden && c != apperr.Unauthorized && c != apperr.Invalid {
						t.Errorf("%s: unexpected code %s", tc.name, c)
					}
				}
			}
			if got.String() != tc.rows[i] {
				t.Errorf("%s from %q: got %s, want %s (draft pending scheduled published trashed)", tc.name, f, got.String(), tc.rows[i])
			}
		}
	}
}

func TestTransitionCodes(t *testing.T) {
	p := &Post{ID: 1, AuthorID: 2, Status: Draft}
	if c := apperr.CodeOf(Transition(nil, p, Draft)); c != apperr.Unauthorized {
		t.Errorf("anonymous: %s", c)
	}
	if c := apperr.CodeOf(Transition(&account.User{ID: 3, Role: account.Author}, p, Draft)); c != apperr.Forbidden {
		t.Errorf("other author: %s", c)
	}
	if c := apperr.CodeOf(Transition(&account.User{ID: 2, Role: account.Author}, p, "gone")); c != apperr.Invalid {
		t.Errorf("bad status: %s", c)
	}
}

func TestSchedule(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	tests := []struct {
		to     Status
		at     time.Time
		want   Status
		wantAt time.Time
	}{
		{Published, time.Time{}, Published, now},
		{Published, later, Scheduled, later},
		{Published, earlier, Published, earlier},
		{Scheduled, earlier, Published, earlier},
		{Scheduled, later, Scheduled, later},
		{Scheduled, time.Time{}, Published, now},
		{Draft, later, Draft, later},
		{Pending, time.Time{}, Pending, time.Time{}},
	}
	for _, tt := range tests {
		s, at := Schedule(tt.to, tt.at, now)
		if s != tt.want || !at.Equal(tt.wantAt) {
			t.Errorf("Schedule(%s, %v) = %s, %v; want %s, %v", tt.to, tt.at, s, at, tt.want, tt.wantAt)
		}
	}
}

func TestPublicAndCanRead(t *testing.T) {
	now := time.Now()
	p := &Post{Kind: KindPost, AuthorID: 5, Status: Scheduled, PublishedAt: now.Add(time.Minute)}
	if p.Public(now) {
		t.Error("scheduled post public before its time")
	}
	if !p.Public(now.Add(2 * time.Minute)) {
		t.Error("scheduled post not public after its time")
	}
	if CanRead(nil, p, now) || CanRead(&account.User{ID: 6, Role: account.Author}, p, now) {
		t.Error("others read a scheduled post early")
	}
	if !CanRead(&account.User{ID: 5, Role: account.Author}, p, now) || !CanRead(&account.User{ID: 9, Role: account.Editor}, p, now) {
		t.Error("owner or editor cannot read it")
	}
	p.Status = Trashed
	if p.Public(now.Add(time.Hour)) {
		t.Error("trashed post public")
	}
}

func TestCommentsOpenAt(t *testing.T) {
	pub := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Post{CommentPolicy: CommentsMembers, PublishedAt: pub}
	if got := p.CommentsOpenAt(pub.AddDate(0, 0, 10), 14); got != CommentsMembers {
		t.Errorf("day 10 of 14: %s", got)
	}
	if got := p.CommentsOpenAt(pub.AddDate(0, 0, 15), 14); got != CommentsClosed {
		t.Errorf("day 15 of 14: %s", got)
	}
	if got := p.CommentsOpenAt(pub.AddDate(5, 0, 0), 0); got != CommentsMembers {
		t.Errorf("never close: %s", got)
	}
}
