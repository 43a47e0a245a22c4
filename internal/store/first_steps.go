package store

import "context"

// FirstSteps says which of a new blog's first steps are behind it.
type FirstSteps struct {
	Posted     bool // a post published or scheduled
	Page       bool // a page (About, Contact) that is not in the trash
	People     bool // a second account, or an invitation not yet answered
	Discussion bool // the discussion settings saved once
	Hidden     bool // an admin put the steps away
}

// firstStepsHiddenKey is the settings row of an admin's "Hide these
// steps": a state of the dashboard, not a site setting, so neither the
// settings page nor the API carries it.
const firstStepsHiddenKey = "first_steps_hidden"

// FirstStepsDone reads FirstSteps in one statement; each part stops at
// its first row. discussionKey is the settings row the discussion
// settings are saved in.
func FirstStepsDone(ctx context.Context, db DB, discussionKey string) (FirstSteps, error) {
	var f FirstSteps
	err := db.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM posts WHERE kind = 'post' AND status IN ('published', 'scheduled')),
		EXISTS (SELECT 1 FROM posts WHERE kind = 'page' AND status <> 'trashed'),
		(SELECT count(*) FROM (SELECT 1 FROM users LIMIT 2) u) > 1 OR EXISTS (SELECT 1 FROM invitations WHERE ended_at IS NULL),
		EXISTS (SELECT 1 FROM settings WHERE key = $1),
		EXISTS (SELECT 1 FROM settings WHERE key = $2)`, discussionKey, firstStepsHiddenKey).
		Scan(&f.Posted, &f.Page, &f.People, &f.Discussion, &f.Hidden)
	return f, err
}

// HideFirstSteps records that an admin put the first steps away.
func HideFirstSteps(ctx context.Context, db DB) error {
	return PutSetting(ctx, db, firstStepsHiddenKey, true)
}
