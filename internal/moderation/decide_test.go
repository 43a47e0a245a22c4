package moderation

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"quire/internal/comment"
)

// MustBlocklist parses text or fails the test.
func MustBlocklist(tb testing.TB, text string) Blocklist {
	tb.Helper()
	b, err := ParseBlocklist(text)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// clean is a comment that passes every default rule.
func clean() Input {
	return Input{
		Kind: KindComment, AuthorName: "Maria", AuthorEmail: "maria@mail.invalid",
		IP: netip.MustParseAddr("198.51.100.7"), Text: "Nice post, thanks.",
		SinceForm: 40 * time.Second, KnownAuthor: true,
	}
}

func TestDecide(t *testing.T) {
	def := DefaultSettings()
	withList := def
	withList.Blocklist = MustBlocklist(t, `
hold word casino
spam word cheap pills
spam email bot@spam.invalid
spam ip 203.0.113.0/24
hold domain spam.invalid
`)
	trusting := def
	trusting.TrustApprovedSites = true
	lax := def
	lax.HoldLinkbacks, lax.HoldFirstComment, lax.MinSeconds, lax.MaxLinks = false, false, 0, -1
	lax.IPRate, lax.EmailRate = RateLimit{}, RateLimit{}

	type c = ReasonCode
	tests := []struct {
		name   string
		s      Settings
		edit   func(*Input)
		action Action
		codes  []ReasonCode
		msgs   []string // if set, the messages in order
	}{
		{"clean known author", def, nil, Approve, nil, nil},
		{"honeypot", def, func(in *Input) { in.HoneypotFilled = true }, Spam, []c{ReasonHoneypot}, []string{"Filled in the hidden field"}},
		{"first comment", def, func(in *Input) { in.KnownAuthor = false }, Hold, []c{ReasonFirstComment}, []string{"First comment from this e-mail address"}},
		{"first comment, no e-mail", def, func(in *Input) { in.KnownAuthor, in.AuthorEmail = false, "" }, Hold, []c{ReasonFirstComment}, nil},
		{"first comment off", lax, func(in *Input) { in.KnownAuthor = false }, Approve, nil, nil},
		{"member skips first comment", def, func(in *Input) { in.KnownAuthor, in.Member = false, true }, Approve, nil, nil},
		{"two links pass", def, func(in *Input) { in.Links = []string{"https://a.invalid", "https://b.invalid"} }, Approve, nil, nil},
		{"three links held", def, func(in *Input) { in.Links = []string{"https://a.invalid", "https://b.invalid", "https://c.invalid"} },
			Hold, []c{ReasonTooManyLinks}, []string{"Contains 3 links; more than 2 are held"}},
		{"max links 0 holds one link", Settings{MaxLinks: 0}, func(in *Input) { in.Links = []string{"https://a.invalid"} },
			Hold, []c{ReasonTooManyLinks}, []string{"Contains 1 link; more than 0 are held"}},
		{"links off", lax, func(in *Input) { in.Links = make([]string, 50) }, Approve, nil, nil},
		{"too fast", def, func(in *Input) { in.SinceForm = 1200 * time.Millisecond }, Hold, []c{ReasonTooFast}, []string{"Sent 1.2 seconds after the page loaded"}},
		{"exactly one second", def, func(in *Input) { in.SinceForm = time.Second }, Hold, []c{ReasonTooFast}, []string{"Sent 1 second after the page loaded"}},
		{"from the future", def, func(in *Input) { in.SinceForm = -time.Hour }, Hold, []c{ReasonTooFast}, []string{"Sent 0 seconds after the page loaded"}},
		{"three seconds is fine", def, func(in *Input) { in.SinceForm = 3 * time.Second }, Approve, nil, nil},
		{"unknown time (API)", def, func(in *Input) { in.SinceForm = 0 }, Approve, nil, nil},
		{"rate limit ip", def, func(in *Input) { in.RecentFromIP = 5 }, Hold, []c{ReasonRateLimited}, []string{"More than 5 comments from this address in 10 minutes"}},
		{"under rate limit", def, func(in *Input) { in.RecentFromIP, in.RecentFromEmail = 4, 4 }, Approve, nil, nil},
		{"rate limit e-mail", def, func(in *Input) { in.RecentFromEmail = 9 }, Hold, []c{ReasonRateLimited}, []string{"More than 5 comments from this e-mail address in 10 minutes"}},
		{"rate limit in seconds", Settings{MaxLinks: -1, IPRate: RateLimit{1, 30 * time.Second}}, func(in *Input) { in.RecentFromIP = 1 },
			Hold, []c{ReasonRateLimited}, []string{"More than 1 comment from this address in 30 seconds"}},
		{"duplicate", def, func(in *Input) { in.Duplicate = true }, Spam, []c{ReasonDuplicate}, []string{"Same text as a recent comment"}},
		{"members only, guest", def, func(in *Input) { in.MembersOnly = true }, Hold, []c{ReasonMembersOnly}, nil},
		{"members only, member", def, func(in *Input) { in.MembersOnly, in.Member = true, true }, Approve, nil, nil},
		{"blocklist word hold", withList, func(in *Input) { in.Text = "Best Casino!" }, Hold, []c{ReasonBlocklistWord}, []string{"Matches the blocklist: casino"}},
		{"blocklist word in name", withList, func(in *Input) { in.AuthorName = "casino king" }, Hold, []c{ReasonBlocklistWord}, nil},
		{"blocklist phrase spam", withList, func(in *Input) { in.Text = "CHEAP\n pills here" }, Spam, []c{ReasonBlocklistWord}, []string{"Matches the blocklist: cheap pills"}},
		{"blocklist phrase needs order", withList, func(in *Input) { in.Text = "pills are cheap" }, Approve, nil, nil},
		{"blocklist email", withList, func(in *Input) { in.AuthorEmail = "Bot@Spam.Invalid" }, Spam, []c{ReasonBlocklistEmail, ReasonBlocklistDomain}, nil},
		{"blocklist ip", withList, func(in *Input) { in.IP = netip.MustParseAddr("203.0.113.99") }, Spam, []c{ReasonBlocklistIP}, []string{"Matches the blocklist: 203.0.113.0/24"}},
		{"blocklist ip mapped", withList, func(in *Input) { in.IP = netip.MustParseAddr("::ffff:203.0.113.99") }, Spam, []c{ReasonBlocklistIP}, nil},
		{"blocklist domain of link", withList, func(in *Input) { in.Links = []string{"http://www.Spam.invalid./x"} }, Hold, []c{ReasonBlocklistDomain}, nil},
		{"blocklist domain of url", withList, func(in *Input) { in.AuthorURL = "https://spam.invalid" }, Hold, []c{ReasonBlocklistDomain}, nil},
		{"blocklist domain not a suffix match", withList, func(in *Input) { in.Links = []string{"https://notspam.invalid/"} }, Approve, nil, nil},
		{"pingback held", def, func(in *Input) { *in = Input{Kind: KindPingback, Text: "Links for Tuesday"} }, Hold, []c{ReasonLinkbackHold}, []string{"Pingbacks are held for review"}},
		{"webmention held", def, func(in *Input) { *in = Input{Kind: KindWebmention} }, Hold, []c{ReasonLinkbackHold}, []string{"Webmentions are held for review"}},
		{"linkback from approved site, not trusted", def, func(in *Input) { *in = Input{Kind: KindPingback, SiteApproved: true} }, Hold, []c{ReasonLinkbackHold}, nil},
		{"linkback from approved site, trusted", trusting, func(in *Input) { *in = Input{Kind: KindPingback, SiteApproved: true} }, Approve, nil, nil},
		{"linkbacks not held", lax, func(in *Input) { *in = Input{Kind: KindWebmention} }, Approve, nil, nil},
		{"linkback skips first comment and links", def, func(in *Input) {
			*in = Input{Kind: KindPingback, Links: make([]string, 9), SinceForm: time.Millisecond}
		}, Hold, []c{ReasonLinkbackHold}, nil},
		{"guest post always held", def, func(in *Input) { in.Kind, in.Links = KindGuestPost, make([]string, 9) }, Hold, []c{ReasonGuestPost}, nil},
		{"guest post too fast", def, func(in *Input) { in.Kind, in.SinceForm = KindGuestPost, time.Second }, Hold, []c{ReasonTooFast, ReasonGuestPost}, nil},
		{"staff approved regardless", def, func(in *Input) { in.Staff, in.HoneypotFilled, in.Links = true, true, make([]string, 9) }, Approve, nil, nil},
		{"everything at once: all reasons, spam first", withList, func(in *Input) {
			in.HoneypotFilled, in.Duplicate, in.KnownAuthor = true, true, false
			in.Text, in.SinceForm = "casino", time.Second
			in.IP = netip.MustParseAddr("203.0.113.1")
			in.Links = []string{"https://spam.invalid/a", "https://x.invalid", "https://y.invalid"}
			in.RecentFromIP, in.RecentFromEmail, in.MembersOnly = 10, 10, true
		}, Spam, []c{
			ReasonHoneypot, ReasonBlocklistIP, ReasonDuplicate, // spam, rule order
			ReasonBlocklistWord, ReasonBlocklistDomain, ReasonTooFast, ReasonRateLimited, ReasonRateLimited,
			ReasonTooManyLinks, ReasonFirstComment, ReasonMembersOnly,
		}, nil},
		{"holds combine", def, func(in *Input) {
			in.KnownAuthor, in.Links = false, make([]string, 3)
		}, Hold, []c{ReasonTooManyLinks, ReasonFirstComment}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := clean()
			if tc.edit != nil {
				tc.edit(&in)
			}
			v := Decide(tc.s, in)
			if v.Action != tc.action || !slices.Equal(v.Codes(), tc.codes) {
				t.Fatalf("Decide = %v, want %s %v", v, tc.action, tc.codes)
			}
			for i, m := range tc.msgs {
				if v.Reasons[i].Message != m {
					t.Errorf("reason %d: %q, want %q", i, v.Reasons[i].Message, m)
				}
			}
			for _, r := range v.Reasons {
				if r.Message == "" || !r.Action.Valid() || r.Action == Approve {
					t.Errorf("bad reason %+v", r)
				}
			}
			if again := Decide(tc.s, in); again.String() != v.String() {
				t.Errorf("not deterministic: %v then %v", v, again)
			}
		})
	}
}

func TestVerdictHelpers(t *testing.T) {
	v := Decide(DefaultSettings(), Input{Kind: KindPingback, HoneypotFilled: true})
	if !v.Has(ReasonHoneypot) || !v.Has(ReasonLinkbackHold) || v.Has(ReasonDuplicate) {
		t.Errorf("Has wrong for %v", v)
	}
	if got := v.String(); got != "spam [honeypot linkback_hold]" {
		t.Errorf("String = %q", got)
	}
	if Action("bogus").severity() != Hold.severity() || Action("bogus").Valid() {
		t.Error("unknown actions must count as hold and be invalid")
	}
	if !KindGuestPost.Valid() || Kind("trackback").Valid() {
		t.Error("Kind.Valid wrong")
	}
	if s := DefaultSettings(); s.MaxLinks != 2 || s.MinSeconds != 3 || !s.HoldFirstComment || !s.HoldLinkbacks || s.TrustApprovedSites {
		t.Errorf("defaults changed: %+v", s)
	}
}

func TestActionStatus(t *testing.T) {
	for a, want := range map[Action]comment.Status{
		Approve: comment.StatusApproved, Hold: comment.StatusHeld, Spam: comment.StatusSpam, "typo": comment.StatusHeld,
	} {
		if got := a.Status(); got != want {
			t.Errorf("%q.Status() = %q; want %q", a, got, want)
		}
	}
}
