package server

import (
	"context"
	"net/url"
	"strconv"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// queueFixture is one held item of every kind, with guest post N and
// comment N sharing their number, as they do on a real site.
type queueFixture struct {
	Post                                 *post.Post
	Comment, Pingback, Webmention, Guest moderation.Key
}

// mustQueueFixture fills the queue: a held comment, pingback, webmention
// and guest post, the comment and the guest post both numbered n.
func (e *testEnv) mustQueueFixture(n int64) queueFixture {
	e.t.Helper()
	ctx := context.Background()
	for _, q := range []string{`SELECT setval(pg_get_serial_sequence('comments', 'id'), $1)`,
		`SELECT setval(pg_get_serial_sequence('guest_submissions', 'id'), $1)`} {
		if _, err := e.Store.Pool.Exec(ctx, q, n-1); err != nil {
			e.t.Fatal(err)
		}
	}
	author, err := store.UserByLogin(ctx, e.Store.Pool, "qa")
	if err != nil {
		author = e.MustUser("qa", account.Author)
	}
	f := queueFixture{Post: e.MustPost(author, "Queue fixture "+strconv.FormatInt(n, 10), post.CommentsOpen)}
	held := func(k comment.Kind, name, body, source string) moderation.Key {
		c := &store.NewComment{Comment: comment.Comment{PostID: f.Post.ID, Kind: k, Status: comment.StatusHeld,
			AuthorName: name, AuthorEmail: "", BodySource: body, BodyHTML: "<p>" + body + "</p>", SourceURL: source,
			Title: name + "'s page", SiteName: name, IP: "192.0.2.7"},
			Reasons: []moderation.Reason{{Code: moderation.ReasonLinkbackHold, Action: moderation.Hold, Message: "Held for a look"}}}
		if k == comment.KindComment {
			c.AuthorEmail = "cat@mail.invalid"
		}
		if err := store.CreateComment(ctx, e.Store.Pool, c); err != nil {
			e.t.Fatal(err)
		}
		return moderation.Key{Kind: moderation.Kind(k), ID: c.ID}
	}
	f.Comment = held(comment.KindComment, "Cat", "A held comment", "")
	f.Pingback = held(comment.KindPingback, "Pam", "A held pingback", "https://pam.invalid/post")
	f.Webmention = held(comment.KindWebmention, "Wes", "A held webmention", "https://wes.invalid/note")
	e.allowFastForms()
	statusPath(e.t, e.submitGuest(e.Client(), guestValues("A guest's essay "+strconv.FormatInt(n, 10), "Words from a guest.", "Gia Guest", "gia@mail.invalid")))
	var gid int64
	if err := e.Store.Pool.QueryRow(ctx, `SELECT max(id) FROM guest_submissions`).Scan(&gid); err != nil {
		e.t.Fatal(err)
	}
	f.Guest = moderation.Key{Kind: moderation.KindGuestPost, ID: gid}
	if f.Guest.ID != f.Comment.ID || f.Comment.ID != n {
		e.t.Fatalf("fixture: guest post %d and comment %d should share number %d", f.Guest.ID, f.Comment.ID, n)
	}
	return f
}

// commentStatus is comment id's status, "gone" when deleted.
func (e *testEnv) commentStatus(id int64) string {
	e.t.Helper()
	c, err := store.CommentByID(context.Background(), e.Store.Pool, id)
	if err != nil {
		return "gone"
	}
	return string(c.Status)
}

// guestState is submission id's review status and queue tab, "gone" when
// deleted.
func (e *testEnv) guestState(id int64) string {
	e.t.Helper()
	var status string
	var spam, trashed bool
	err := e.Store.Pool.QueryRow(context.Background(), `SELECT status, spam, trashed FROM guest_submissions WHERE id = $1`, id).
		Scan(&status, &spam, &trashed)
	if err != nil {
		return "gone"
	}
	return status + "/" + string(store.QueueTab(spam, trashed))
}

func keyOne(action string, k moderation.Key) url.Values {
	return url.Values{"one": {action + ":" + k.String()}}
}

func idStr(k moderation.Key) string { return strconv.FormatInt(k.ID, 10) }
