-- +goose Up

-- An invitation an admin mailed. Its link names the row, so the admin
-- sees who has not answered yet and can withdraw an invitation; the first
-- sign-up through it ends it, and so does a newer invitation to the same
-- address. Links mailed before this table (no row) stay valid until they
-- expire, seven days at most.
CREATE TABLE invitations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role       text NOT NULL CHECK (role IN ('admin','editor','author','contributor','moderator','member')),
    invited_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz,
    ended_how  text CHECK (ended_how IN ('used','revoked','replaced')),
    CHECK ((ended_at IS NULL) = (ended_how IS NULL))
);
-- The admin's list of open invitations, newest first; and the address's
-- open ones, which a new invitation replaces.
CREATE INDEX invitations_open_idx ON invitations (created_at DESC, id DESC) WHERE ended_at IS NULL;
CREATE INDEX invitations_email_idx ON invitations (lower(email)) WHERE ended_at IS NULL;

-- +goose Down
DROP TABLE invitations;
