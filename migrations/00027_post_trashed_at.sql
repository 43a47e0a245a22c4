-- +goose Up

-- When a post or page went to the trash, so that the hourly housekeeping
-- counts the site's trash_days from then. Until now it counted from the
-- post's last change, and saving a post in the trash started its days
-- again. As for comments (00026), a trigger keeps the column: on an
-- INSERT (an import bringing a post in trashed) and on an UPDATE naming
-- status, the only way into or out of the trash. The public pages'
-- queries never read it.
ALTER TABLE posts ADD COLUMN trashed_at timestamptz;
-- Migration 00026 set the trashed posts' updated_at to the upgrade's
-- time, or trashing did since: their days count from there.
UPDATE posts SET trashed_at = updated_at WHERE status = 'trashed';

-- +goose StatementBegin
CREATE FUNCTION posts_trashed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'trashed' THEN
        NEW.trashed_at := NULL;
    ELSIF TG_OP = 'INSERT' OR OLD.status <> 'trashed' THEN
        NEW.trashed_at := coalesce(NEW.trashed_at, now());
    ELSE
        NEW.trashed_at := OLD.trashed_at;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER posts_trashed_at BEFORE INSERT OR UPDATE OF status ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_trashed_at();

-- +goose Down
DROP TRIGGER posts_trashed_at ON posts;
DROP FUNCTION posts_trashed_at();
ALTER TABLE posts DROP COLUMN trashed_at;
