-- +goose Up
-- When the user last signed in (NULL: never), so the first sign-in says
-- "Welcome" and later ones "Welcome back".
ALTER TABLE users ADD COLUMN signed_in_at timestamptz;

-- +goose Down
ALTER TABLE users DROP COLUMN signed_in_at;
