package jobs_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/jobs"
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
