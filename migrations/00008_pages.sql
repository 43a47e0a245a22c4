-- +goose Up

-- Pages are posts of kind 'page' (About, Contact). What only a page has
-- lives here, one row per page that has any of it; a page without a row
-- (an imported one) is out of the navigation and uses the plain template.
CREATE TABLE page_settings (
    post_id   bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    nav_order integer CHECK (nav_order BETWEEN 0 AND 9999), -- NULL: not in the site navigation
    template  text NOT NULL DEFAULT '' CHECK (template IN ('', 'contact'))
);
-- The navigation: a handful of rows read on every page (cached per node).
CREATE INDEX page_settings_nav_idx ON page_settings (nav_order, post_id) WHERE nav_order IS NOT NULL;

-- Messages sent through a contact page. Kept so that the rate limits can
-- count them and so that an admin can find one the mail lost; the mail to
-- the admins is enqueued in the same transaction as the row.
CREATE TABLE contact_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id    bigint REFERENCES posts (id) ON DELETE SET NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 20000),
    status     text NOT NULL CHECK (status IN ('sent','held','spam')), -- held: sent, flagged as suspect
    reasons    jsonb NOT NULL DEFAULT '[]',
    ip         text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_messages_ip_idx ON contact_messages (ip, created_at);
CREATE INDEX contact_messages_email_idx ON contact_messages (lower(email), created_at);

-- +goose Down
DROP TABLE contact_messages, page_settings;
