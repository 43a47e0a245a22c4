package server

import (
	"context"
	"strings"
	"testing"

	"quire/internal/account"
	"quire/internal/commenting"
)

// TestTwoQuires: two Quire servers on two loopback addresses, each
// allowing only the other. A post on A linking to a post on B makes A send
// a pingback and a webmention; B verifies both and, once approved, shows
// them in the thread; A's editor lists them as sent. Removing the link
// and updating the post on A removes the webmention on B.
func TestTwoQuires(t *testing.T) {
	lnA, lnB := listen(t, "127.0.0.2:0"), listen(t, "127.0.0.3:0")
	a := newLinkbackEnv(t, lnA, linkbackOpts{Allow: []string{"127.0.0.3/32"}, Ports: []int{portOfAddr(lnB.Addr())}, Send: true})
	b := newLinkbackEnv(t, lnB, linkbackOpts{Allow: []string{"127.0.0.2/32"}, Ports: []int{portOfAddr(lnA.Addr())}, Send: true})
	ctx := context.Background()

	pb := b.publish(b.MustUser("bob", account.Author), "Bob's essay", "<p>An essay worth answering.</p>")
	target := b.TS.URL + pb.Path()
	ann := a.MustUser("ann", account.Author)
	pa := a.publish(ann, "Ann answers Bob", `<p>Ann read <a href="`+target+`">Bob's essay</a> and answers here.</p>`)

	eventually(t, "B to verify a pingback and a webmention", func() bool {
		got := b.linkbackRows(pb)
		return len(got) == 2 && strings.HasPrefix(got[0], "pingback held Ann answers Bob") &&
			strings.HasPrefix(got[1], "webmention held Ann answers Bob") ||
			len(got) == 2 && strings.HasPrefix(got[1], "pingback held") && strings.HasPrefix(got[0], "webmention held")
	})
	c := a.Client()
	a.SignIn(c, "ann")
	eventually(t, "A's editor to list both as sent", func() bool {
		d := a.page(c, "/admin/posts/"+itoa(pa.ID))
		row := d.Find(".linkbacks-out tbody tr")
		return row.Length() == 1 && row.Find("td.state-sent").Length() == 2
	})

	// Approved on B, both show in the thread.
	var ids []int64
	rows, _ := b.Store.Pool.Query(ctx, `SELECT id FROM comments WHERE post_id = $1 AND kind <> 'comment'`, pb.ID)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	if _, err := b.Srv.comments.Moderate(ctx, &account.User{Role: account.Admin}, ids, commenting.ActionApprove); err != nil {
		t.Fatal(err)
	}
	thread := strings.Join(strings.Fields(b.page(b.Client(), pb.Path()).Find("#comments").Text()), " ")
	if !strings.Contains(thread, "Pingback: Ann answers Bob") || strings.Count(thread, "Ann answers Bob") < 2 {
		t.Errorf("B's thread: %q", thread)
	}

	// A drops the link: its webmention tells B, which removes the mention.
	a.rewrite(pa, "<p>Ann changed her mind about linking.</p>")
	eventually(t, "B to remove the webmention", func() bool {
		got := b.linkbackRows(pb)
		return len(got) == 1 && strings.HasPrefix(got[0], "pingback approved")
	})
	d := a.page(c, "/admin/posts/"+itoa(pa.ID))
	if d.Find(".linkbacks-out tr.unlinked").Length() != 1 {
		t.Errorf("A's editor does not show the removed link")
	}
}
