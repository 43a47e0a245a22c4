-- +goose Up

-- Moderators' mail about held comments and linkbacks, counted per
-- recipient and clock hour. Past commenting.HeldMailBudget in an hour a
-- held item is counted here instead of mailed, and one digest at the
-- hour's end says how many: a wave of spam held for moderation would
-- otherwise send every moderator a message per item (issue 16's
-- submission bench held 30,000 comments in five seconds). The hourly
-- prune deletes old hours.
CREATE TABLE held_mail_hours (
    email  text NOT NULL,
    hour   timestamptz NOT NULL,
    sent   int NOT NULL DEFAULT 0,
    folded int NOT NULL DEFAULT 0,
    last_sent int NOT NULL DEFAULT 0, -- the last count's share of sent (store.CountHeldMail)
    PRIMARY KEY (email, hour)
);

-- +goose Down
DROP TABLE held_mail_hours;
