package guestpost

import (
	"strings"
	"testing"
	"time"

	"quire/internal/apperr"
	"quire/internal/post"
)

func TestNext(t *testing.T) {
	all := []Status{Received, InReview, ChangesRequested, Scheduled, Published, Declined}
	want := map[Action]map[Status]Status{
		ActReview:         {Received: InReview, InReview: InReview, ChangesRequested: InReview},
		ActEdit:           {Received: InReview, InReview: InReview, ChangesRequested: ChangesRequested},
		ActRequestChanges: {Received: ChangesRequested, InReview: ChangesRequested},
		ActDecline:        {Received: Declined, InReview: Declined, ChangesRequested: Declined},
		ActAccept:         {Received: Scheduled, InReview: Scheduled, ChangesRequested: Scheduled},
		ActRevise:         {ChangesRequested: InReview},
	}
	for a, ok := range want {
		for _, from := range all {
			to, err := Next(from, a)
			exp, allowed := ok[from]
			switch {
			case allowed && (err != nil || to != exp):
				t.Errorf("Next(%s, %s) = %s, %v; want %s", from, a, to, err, exp)
			case !allowed && apperr.CodeOf(err) != apperr.Conflict:
				t.Errorf("Next(%s, %s) = %s, %v; want a conflict", from, a, to, err)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Draft{Title: " A  title ", Body: "Body", Name: " Ada ", Email: "ada@mail.invalid", Website: "https://a.invalid/"}
	ok.Normalize()
	if err := ok.Validate(); err != nil || ok.Title != "A title" || ok.Format != post.Markdown {
		t.Fatalf("valid draft: %v %+v", err, ok)
	}
	bad := Draft{Title: "", Body: " ", Format: "rtf", Name: "", Email: "Ada <ada@mail.invalid>", Website: "javascript:alert(1)",
		Bio: strings.Repeat("b", MaxBio+1), Note: strings.Repeat("n", MaxNote+1)}
	e, _ := apperr.As(bad.Validate())
	if e == nil {
		t.Fatal("invalid draft accepted")
	}
	for _, f := range []string{"title", "body", "format", "name", "email", "website", "bio", "note"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for %s", f)
		}
	}
	rev := Draft{Title: "T", Body: "B", Format: post.HTML}
	if err := rev.ValidateText(); err != nil {
		t.Errorf("a revision needs no identity: %v", err)
	}
	if CheckMessage(" ", true) == nil || CheckMessage("", false) != nil || CheckMessage(strings.Repeat("m", MaxMessage+1), false) == nil {
		t.Error("CheckMessage")
	}
}

func TestEffectiveAndLinks(t *testing.T) {
	now := time.Now()
	s := Submission{Status: Scheduled, PostPublished: now.Add(time.Minute)}
	if s.Effective(now) != Scheduled || s.Effective(now.Add(time.Hour)) != Published {
		t.Error("Effective")
	}
	if _, ok := LinkReason(MaxLinks); ok {
		t.Error("MaxLinks links fired")
	}
	if r, ok := LinkReason(MaxLinks + 1); !ok || r.Code != "too_many_links" {
		t.Error("too many links did not fire")
	}
	vs := []Version{{Number: 1}, {Number: 2, EditorID: 7}}
	if LatestByGuest(vs).Number != 1 {
		t.Error("LatestByGuest")
	}
	if (Guest{Trusted: true}).WebsiteRel() != "noopener" || (Guest{}).WebsiteRel() != "nofollow ugc noopener" {
		t.Error("WebsiteRel")
	}
}
