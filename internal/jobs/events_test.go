package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/jobs"
	"quire/internal/linkbacks"
	"quire/internal/mail"
	"quire/internal/store/storetest"
)

// TestCommentEventsBecomeJobsOnce: two nodes draining the same comment
// events at once turn each event into jobs exactly once, the comments in
// their order, at most commenting.EventJobIDs to a job, and leave no
// event behind.
func TestCommentEventsBecomeJobsOnce(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	d := jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}
	nodes := []*jobs.Queue{}
	for range 2 {
		q, _ := workingQueue(t, st, d) // not started: drained by hand below
		nodes = append(nodes, q)
	}
	const events, per = 450, 7 // more than a drain takes, more ids than a job holds
	if _, err := st.Pool.Exec(ctx, `INSERT INTO comment_events (comment_ids)
		SELECT array(SELECT e * $2 + k FROM generate_series(1, $2) k) FROM generate_series(0, $1 - 1) e`, events, per); err != nil {
		t.Fatal(err)
	}
	taken := make([]int, len(nodes))
	var wg sync.WaitGroup
	for i, q := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := q.DrainCommentEvents(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				taken[i] += n
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if taken[0]+taken[1] != events {
		t.Errorf("the nodes took %d and %d events; want %d in all", taken[0], taken[1], events)
	}
	rows, err := st.Pool.Query(ctx, `SELECT ARRAY(SELECT jsonb_array_elements_text(coalesce(args->'comment_ids', '[]'))::int8)
			|| coalesce((args->>'comment_id')::int8, 0)
		FROM river_job WHERE kind = 'comment_event' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for rows.Next() {
		var ids []int64
		if err := rows.Scan(&ids); err != nil {
			t.Fatal(err)
		}
		ids = slices.DeleteFunc(ids, func(id int64) bool { return id == 0 })
		if len(ids) == 0 || len(ids) > commenting.EventJobIDs || !slices.IsSorted(ids) {
			t.Errorf("a job of %d comments (sorted: %v); want 1 to %d, in order", len(ids), slices.IsSorted(ids), commenting.EventJobIDs)
		}
		for _, id := range ids {
			seen[id]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= events*per; id++ {
		if seen[id] != 1 {
			t.Errorf("comment %d is in %d jobs; want 1", id, seen[id])
		}
	}
	if len(seen) != events*per {
		t.Errorf("the jobs name %d comments; want %d", len(seen), events*per)
	}
	var left int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM comment_events`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d events left (%v)", left, err)
	}
}

// TestCommentEventsOfAStoppedNode: comments stored while no queue works
// (a node that stopped before draining, a command) keep their events,
// and a queue that starts later mails what they cause.
func TestCommentEventsOfAStoppedNode(t *testing.T) {
	freshHour(t)
	st := storetest.New(t)
	ctx := context.Background()
	q, sv := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}, PollInterval: 20 * time.Millisecond})
	ann := &account.User{Username: "ann", Email: "ann@staff.invalid", Role: account.Author}
	mo := &account.User{Username: "mo", Email: "mo@staff.invalid", Role: account.Moderator}
	createUsers(t, st, ann, mo)
	p := publishedPost(t, st, ann, "Quiet")
	ids := heldComments(t, sv, p, "Words while nobody works", "More words while nobody works")
	var events, jobsN int
	if err := st.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM comment_events WHERE comment_ids && $1),
		(SELECT count(*) FROM river_job WHERE kind = 'comment_event')`, ids).Scan(&events, &jobsN); err != nil {
		t.Fatal(err)
	}
	if events != len(ids) || jobsN != 0 {
		t.Fatalf("before any queue works: %d events for %d comments, %d comment jobs; want one each, none", events, len(ids), jobsN)
	}
	startQueue(t, q)
	waitIdle(t, st)
	n := 0
	for _, m := range outbox(t, st) {
		if m.To == mo.Email {
			n++
		}
	}
	if n != len(ids) {
		t.Errorf("%d mails to the moderator once a queue worked; want %d", n, len(ids))
	}
}

// TestLinkbackEventsBecomeJobs: the verifications a flood put off become
// linkback_verify_later jobs, each pair once, at most
// linkbacks.VerifyJobPairs to a job, none starting before the verify_at
// of any event whose pairs it holds.
func TestLinkbackEventsBecomeJobs(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	q, _ := workingQueue(t, st, jobs.Deps{Mailer: mail.Outbox{DB: st.Pool}}) // not started: drained by hand
	first := time.Now().Add(time.Minute).Truncate(time.Microsecond)
	second := first.Add(time.Minute)
	if _, err := st.Pool.Exec(ctx, `INSERT INTO linkback_verify_events (pairs, verify_at)
		SELECT (SELECT jsonb_agg(jsonb_build_object('source', 'http://s.invalid/' || e || '/' || k, 'post_id', 1))
			FROM generate_series(1, 300) k), CASE e WHEN 1 THEN $1::timestamptz ELSE $2 END
		FROM generate_series(1, 2) e ORDER BY e`, first, second); err != nil {
		t.Fatal(err)
	}
	taken, err := q.DrainLinkbackEvents(ctx)
	if err != nil || taken != 2 {
		t.Fatalf("took %d events (%v); want 2", taken, err)
	}
	rows, err := st.Pool.Query(ctx, `SELECT jsonb_array_length(args->'pairs'), scheduled_at, queue
		FROM river_job WHERE kind = 'linkback_verify_later' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var n int
	var at time.Time
	var queue string
	if _, err := pgx.ForEachRow(rows, []any{&n, &at, &queue}, func() error {
		got = append(got, fmt.Sprintf("%d %s %s", n, at.Sub(first), queue))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("%d 1m0s linkback", linkbacks.VerifyJobPairs), fmt.Sprintf("%d 1m0s linkback", 600-linkbacks.VerifyJobPairs)}
	if !slices.Equal(got, want) {
		t.Errorf("jobs (pairs, start after the first event's time, queue) %q; want %q", got, want)
	}
	var pairs, distinct, left int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT p->>'source'), (SELECT count(*) FROM linkback_verify_events)
		FROM river_job, jsonb_array_elements(args->'pairs') p WHERE kind = 'linkback_verify_later'`).Scan(&pairs, &distinct, &left); err != nil {
		t.Fatal(err)
	}
	if pairs != 600 || distinct != 600 || left != 0 {
		t.Errorf("%d pairs in the jobs, %d distinct, %d events left; want 600, 600, 0", pairs, distinct, left)
	}
}
