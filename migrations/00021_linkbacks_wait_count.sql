-- +goose Up

-- The bounded wait of pingback.ping counts the verifications requested
-- in the last minute and still pending (store.PendingLinkbacks), once
-- per batch of requests. Through linkbacks_in_pending_idx, ordered by
-- source, that count read every pending request of any age, and the
-- index entries its earlier states left behind until a vacuum: a cost
-- that grew with the backlog (requests waiting an hour for their next
-- fetch) and with the traffic since the last vacuum. Ordered by the
-- time of the request, it reads the last minute only.
CREATE INDEX linkbacks_in_pending_time_idx ON linkbacks_in (requested_at) WHERE state IN ('pending','verifying');

-- +goose Down
DROP INDEX linkbacks_in_pending_time_idx;
