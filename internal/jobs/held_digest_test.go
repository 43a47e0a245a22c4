package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/store/storetest"
)

// TestHeldMailBudget: past commenting.HeldMailBudget held items in an
// hour, each moderator gets no more mail one by one but, at the hour's
// end, one digest saying how many more were held.
func TestHeldMailBudget(t *testing.T) {
	freshHour(t)
	st := storetest.New(t)
	ctx := context.Background()
	_, sv := mailingQueue(t, st)
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mods := []*account.User{
		{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator},
		{Username: "ed", Email: "ed@staff.invalid", Role: account.Editor},
	}
	createUsers(t, st, append([]*account.User{ann}, mods...)...)
	p := publishedPost(t, st, ann, "Flooded")
	var bodies []string
	for i := range commenting.HeldMailBudget + 3 {
		bodies = append(bodies, "Words here, "+fmt.Sprint(i))
	}
	heldComments(t, sv, p, bodies...)
	// Every comment's event taken and its job done; the digests wait for
	// the hour's end.
	var digests, early int
	deadline := time.Now().Add(15 * time.Second)
	for {
		var busy int
		_ = st.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('available','running','retryable'))
				+ (SELECT count(*) FROM comment_events),
			count(*) FILTER (WHERE kind = 'held_digest' AND state = 'scheduled'),
			count(*) FILTER (WHERE kind = 'held_digest' AND scheduled_at < date_trunc('hour', now()) + interval '1 hour')
			FROM river_job`).Scan(&busy, &digests, &early)
		if busy == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	held := func(to string) (one, digest []string) {
		for _, m := range outbox(t, st) {
			switch {
			case m.To != to:
			case strings.Contains(m.Subject, "is waiting for moderation"):
				one = append(one, m.Subject)
			case strings.Contains(m.Subject, "more items were held"):
				digest = append(digest, m.Body)
			}
		}
		return one, digest
	}
	for _, m := range mods {
		if one, digest := held(m.Email); len(one) != commenting.HeldMailBudget || len(digest) != 0 {
			t.Errorf("%s: %d mails one by one and %d digests, want %d and none yet", m.Username, len(one), len(digest), commenting.HeldMailBudget)
		}
	}
	if digests != len(mods) || early != 0 {
		t.Fatalf("%d digests scheduled (%d before the hour's end), want one a moderator at the end", digests, early)
	}
	// The hour ends.
	if _, err := st.Pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = 'held_digest'`); err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		waitMail(t, st, m.Email, "3 more items were held")
		if one, digest := held(m.Email); len(one) != commenting.HeldMailBudget || len(digest) != 1 ||
			!strings.Contains(digest[0], "3 more comments, pingbacks or webmentions") || !strings.Contains(digest[0], "/admin/moderation") {
			t.Errorf("%s: %d mails one by one, digests %q", m.Username, len(one), digest)
		}
	}
}
