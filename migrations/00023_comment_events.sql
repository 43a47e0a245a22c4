-- +goose Up

-- The created events of comments stored by the comment form (issue 16,
-- comment submission). Each batch of comments used to insert its
-- comment_event job into River's table in its own transaction: a round
-- trip, River's statement and a job row with its indexes, per batch, and
-- then a job to fetch and work per batch during a wave. A batch now
-- writes one narrow row here, sent with its comments' INSERT and its
-- COMMIT, so the event is as durable as the comments; the queue's
-- drainer (internal/jobs/events.go) turns the waiting rows into
-- comment_event jobs in one transaction (the DELETE and River's insert
-- commit together), a few times a second at most, on any node.
CREATE TABLE comment_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_ids bigint[] NOT NULL CHECK (cardinality(comment_ids) > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
-- Events still waiting become jobs before the table goes: none is lost.
-- (River's columns as of the version in go.mod; a Down is run by hand.)
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
SELECT jsonb_build_object('comment_ids', comment_ids, 'event', 'created'), 'comment_event', 25, 2, 'default',
       'available', now()
FROM comment_events;
DROP TABLE comment_events;
