-- +goose Up

-- One moderation queue for every kind. Guest submissions gain a trash of
-- their own (the queue's Trash tab; the guest is told nothing), and both
-- tables gain the index the queue's one time-ordered list reads: newest
-- first by created_at, then id, within a tab.
ALTER TABLE guest_submissions ADD COLUMN trashed boolean NOT NULL DEFAULT false;

CREATE INDEX comments_queue_time_idx ON comments (status, created_at DESC, id DESC) WHERE status <> 'approved';
CREATE INDEX guest_submissions_held_time_idx ON guest_submissions (created_at DESC, id DESC)
    WHERE NOT spam AND NOT trashed AND status IN ('received','in_review');
CREATE INDEX guest_submissions_spam_time_idx ON guest_submissions (created_at DESC, id DESC) WHERE spam AND NOT trashed;
CREATE INDEX guest_submissions_trash_time_idx ON guest_submissions (created_at DESC, id DESC) WHERE trashed;

-- +goose Down
DROP INDEX guest_submissions_trash_time_idx;
DROP INDEX guest_submissions_spam_time_idx;
DROP INDEX guest_submissions_held_time_idx;
DROP INDEX comments_queue_time_idx;
ALTER TABLE guest_submissions DROP COLUMN trashed;
