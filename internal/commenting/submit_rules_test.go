package commenting

import (
	"testing"
	"time"

	"quire/internal/store"
)

// TestAdjustSignals: the signals of a comment in a batch count the
// batch's earlier comments exactly where store.CommentSubmitRead would
// have counted their rows, had each been stored first: known author only
// from an approved comment of the same address; the rate counts from any
// comment of the same IP or address, inside a window that is not zero;
// duplicate only for the same body on the same post from the same
// address or IP.
func TestAdjustSignals(t *testing.T) {
	a := store.SubmitArgs{PostID: 1, Email: "Ann@Mail.invalid", IP: "192.0.2.1", Body: "Hello",
		IPWindow: 10 * time.Minute, EmailWindow: time.Hour, DupWindow: 24 * time.Hour}
	me := stored{postID: 1, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hello"}
	base := store.Signals{RecentFromIP: 2, RecentFromEmail: 1} // what the database had
	zero := func(f func(*store.SubmitArgs)) store.SubmitArgs { b := a; f(&b); return b }
	for _, tc := range []struct {
		name    string
		a       store.SubmitArgs
		me      stored
		earlier []stored
		want    store.Signals
	}{
		{"none earlier", a, me, nil, base},
		{"other sender", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.2", body: "Hello", approved: true}}, base},
		{"same IP, other address and body", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.1", body: "Hi"}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 1}},
		{"same address, held", a, me, []stored{{postID: 2, lowerEmail: "ann@mail.invalid", ip: "192.0.2.9", body: "Hi"}},
			store.Signals{RecentFromIP: 2, RecentFromEmail: 2}},
		{"same address, approved: known", a, me, []stored{{postID: 2, lowerEmail: "ann@mail.invalid", ip: "192.0.2.9", body: "Hi", approved: true}},
			store.Signals{KnownAuthor: true, RecentFromIP: 2, RecentFromEmail: 2}},
		{"same IP, approved, other address: not known", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.1", body: "Hi", approved: true}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 1}},
		{"same IP and address, twice", a, me, []stored{
			{postID: 3, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "a"},
			{postID: 3, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "b"}},
			store.Signals{RecentFromIP: 4, RecentFromEmail: 3}},
		{"duplicate by address", a, me, []stored{{postID: 1, lowerEmail: "ann@mail.invalid", ip: "192.0.2.7", body: "Hello"}},
			store.Signals{RecentFromIP: 2, RecentFromEmail: 2, Duplicate: true}},
		{"duplicate by IP", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.1", body: "Hello"}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 1, Duplicate: true}},
		{"same body, other post: no duplicate", a, me, []stored{{postID: 2, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hello"}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 2}},
		{"same body, other sender: no duplicate", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.2", body: "Hello"}}, base},
		{"body differs in case: no duplicate", a, me, []stored{{postID: 1, lowerEmail: "bob@mail.invalid", ip: "192.0.2.1", body: "hello"}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 1}},
		{"no address: no e-mail matches", a, stored{postID: 1, ip: "192.0.2.1", body: "Hello"},
			[]stored{{postID: 1, ip: "192.0.2.5", body: "Hello", approved: true}}, base},
		{"no IP: no IP matches", a, stored{postID: 1, lowerEmail: "ann@mail.invalid", body: "x"},
			[]stored{{postID: 1, lowerEmail: "bob@mail.invalid", body: "x"}}, base},
		{"zero IP window", zero(func(b *store.SubmitArgs) { b.IPWindow = 0 }), me,
			[]stored{{postID: 2, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hi"}},
			store.Signals{RecentFromIP: 2, RecentFromEmail: 2}},
		{"zero e-mail window", zero(func(b *store.SubmitArgs) { b.EmailWindow = 0 }), me,
			[]stored{{postID: 2, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hi", approved: true}},
			store.Signals{KnownAuthor: true, RecentFromIP: 3, RecentFromEmail: 1}},
		{"zero duplicate window", zero(func(b *store.SubmitArgs) { b.DupWindow = 0 }), me,
			[]stored{{postID: 1, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hello"}},
			store.Signals{RecentFromIP: 3, RecentFromEmail: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := adjustSignals(base, tc.a, tc.me, tc.earlier); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	// What the database found stays found.
	in := store.Signals{KnownAuthor: true, Duplicate: true}
	want := store.Signals{KnownAuthor: true, Duplicate: true, RecentFromIP: 1, RecentFromEmail: 1}
	if got := adjustSignals(in, a, me, []stored{{postID: 1, lowerEmail: "ann@mail.invalid", ip: "192.0.2.1", body: "Hi"}}); got != want {
		t.Errorf("known and duplicate already: got %+v, want %+v", got, want)
	}
}
