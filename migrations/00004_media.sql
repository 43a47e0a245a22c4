-- +goose Up

-- Uploaded images. The files live in the media Storage (the data dir or an
-- S3 bucket) under content-hashed names: name is the re-encoded original,
-- variants the resized copies for srcset. Every file name of an image
-- starts with its hash.
CREATE TABLE media (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uploader_id   bigint NOT NULL REFERENCES users (id),
    hash          text NOT NULL CHECK (hash ~ '^[0-9a-f]{32}$'),
    name          text NOT NULL CHECK (name ~ '^[0-9a-f]{32}\.(jpg|png)$'),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg','image/png')),
    source_format text NOT NULL CHECK (source_format IN ('jpeg','png','gif','webp')),
    original_name text NOT NULL DEFAULT '' CHECK (length(original_name) <= 255),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    bytes         bigint NOT NULL CHECK (bytes > 0),
    variants      jsonb NOT NULL DEFAULT '[]',
    alt           text NOT NULL DEFAULT '' CHECK (length(alt) <= 1000),
    caption       text NOT NULL DEFAULT '' CHECK (length(caption) <= 2000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- The library, newest first: everyone's (editors) and one uploader's (authors).
CREATE INDEX media_uploader_idx ON media (uploader_id, id DESC);
-- Deleting files: are they still another row's (the same picture uploaded twice)?
CREATE INDEX media_hash_idx ON media (hash);

-- Which posts show an image is read from the posts themselves, so it can
-- never disagree with them and needs nothing from the code that saves
-- posts: media_hashes lists the image hashes a body's file names carry
-- (/media/HASH-960.jpg, or a CDN's …/HASH.png), and a GIN index over it,
-- kept by PostgreSQL on every write, answers "who uses these images" for
-- a page of the library without reading every post.
-- +goose StatementBegin
CREATE FUNCTION media_hashes(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT m[1]), '{}')
    FROM regexp_matches(body, '([0-9a-f]{32})(?:-[0-9]{1,5})?\.(?:jpg|png)', 'g') AS m
$$;
-- +goose StatementEnd
CREATE INDEX posts_media_idx ON posts USING gin (media_hashes(body_html));

-- +goose Down
DROP INDEX posts_media_idx;
DROP FUNCTION media_hashes;
DROP TABLE media;
