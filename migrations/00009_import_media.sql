-- +goose Up

-- Images a WXR import copied with --fetch-media (attachment files and the
-- images its posts show), by their URL on the old blog. A URL is fetched
-- once per source: a re-import finds the row and neither downloads nor
-- uploads again. A row with a reason is a failure, remembered so that a
-- re-import fetches nothing (it reports the failure again); a row whose
-- media_id went NULL without a reason is an image an admin deleted after
-- the import, which stays deleted like posts do.
CREATE TABLE import_media (
    source_id  bigint NOT NULL REFERENCES import_sources (id) ON DELETE CASCADE,
    url        text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    media_id   bigint REFERENCES media (id) ON DELETE SET NULL,
    reason     text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, url)
);
CREATE INDEX import_media_media_idx ON import_media (media_id);

-- +goose Down
DROP TABLE import_media;
