-- +goose Up

-- When a comment, pingback or webmention went to the trash, so that the
-- hourly housekeeping can delete what has sat there longer than the
-- site's trash_days. A trigger keeps it, on status changes only (an
-- UPDATE naming status): every way into or out of the trash goes through
-- one, and the comment form's INSERT pays nothing. What is already in the
-- trash counts from now; so does what an import brings in trashed (its
-- INSERT sets the column).
ALTER TABLE comments ADD COLUMN trashed_at timestamptz;
UPDATE comments SET trashed_at = now() WHERE status = 'trash';

-- Posts and pages in the trash count their days from their last change
-- (trashing sets updated_at). Those trashed before the setting existed
-- count from now too, so that an upgrade deletes nothing at once.
UPDATE posts SET updated_at = now() WHERE status = 'trashed';

-- +goose StatementBegin
CREATE FUNCTION comments_trashed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'trash' AND OLD.status <> 'trash' THEN
        NEW.trashed_at := now();
    ELSIF NEW.status <> 'trash' THEN
        NEW.trashed_at := NULL;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comments_trashed_at BEFORE UPDATE OF status ON comments
    FOR EACH ROW EXECUTE FUNCTION comments_trashed_at();

-- +goose Down
DROP TRIGGER comments_trashed_at ON comments;
DROP FUNCTION comments_trashed_at();
ALTER TABLE comments DROP COLUMN trashed_at;
-- (the trashed posts' updated_at stays: it only ever moved forward)
