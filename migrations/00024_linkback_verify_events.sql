-- +goose Up

-- The verifications a flood of pingbacks and webmentions puts off
-- (linkbacks/accept_batch.go), as comment_events (00023) are for
-- comments: each batch of a flood used to insert a linkback_verify_later
-- job of River's; it now writes one narrow row, in its transaction, and
-- the queue's drainer turns the waiting rows into those jobs (the DELETE
-- and River's insert commit together), starting no pair before its
-- verify_at.
CREATE TABLE linkback_verify_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pairs     jsonb NOT NULL CHECK (jsonb_typeof(pairs) = 'array'),
    verify_at timestamptz NOT NULL
);

-- +goose Down
-- Rows still waiting become jobs before the table goes: none is lost.
-- (River's columns as of the version in go.mod; a Down is run by hand.)
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
SELECT jsonb_build_object('pairs', pairs), 'linkback_verify_later', 5, 1, 'linkback', 'scheduled', verify_at
FROM linkback_verify_events;
DROP TABLE linkback_verify_events;
