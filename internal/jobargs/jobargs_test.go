package jobargs_test

import (
	"encoding/json"
	"testing"
	"time"

	"quire/internal/jobargs"
)

// A scheduled post's send job waits for its publication on the linkback
// queue, and the time is an insert option, not part of the job's JSON.
func TestLinkbackSendAt(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	a := jobargs.LinkbackSendArgs{PostID: 7, At: at}
	o := a.InsertOpts()
	if o.Queue != jobargs.QueueLinkback || !o.ScheduledAt.Equal(at) {
		t.Errorf("InsertOpts = %+v, want queue %q at %v", o, jobargs.QueueLinkback, at)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"post_id":7}` {
		t.Errorf("JSON = %s", b)
	}
	if o := (jobargs.LinkbackSendArgs{PostID: 7}).InsertOpts(); !o.ScheduledAt.IsZero() {
		t.Errorf("unscheduled: ScheduledAt = %v, want zero (now)", o.ScheduledAt)
	}
}
