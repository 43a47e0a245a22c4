-- +goose Up

-- Cross-node cache invalidation (internal/invalidate): every change to a
-- setting or to the site navigation, whichever path makes it (editor, API,
-- import, psql), notifies channel quire_invalidate on commit, so every node
-- drops its copy at once. PostgreSQL folds identical notifications of one
-- transaction into one.

-- +goose StatementBegin
CREATE FUNCTION quire_invalidate_setting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('quire_invalidate', 'settings:' || OLD.key);
    ELSE
        PERFORM pg_notify('quire_invalidate', 'settings:' || NEW.key);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER settings_invalidate AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION quire_invalidate_setting();

-- The navigation is pages (posts of kind 'page') joined to page_settings.
-- +goose StatementBegin
CREATE FUNCTION quire_invalidate_nav() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('quire_invalidate', 'nav:');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER posts_insert_invalidate_nav AFTER INSERT ON posts
    FOR EACH ROW WHEN (NEW.kind = 'page') EXECUTE FUNCTION quire_invalidate_nav();
CREATE TRIGGER posts_update_invalidate_nav AFTER UPDATE ON posts
    FOR EACH ROW WHEN (NEW.kind = 'page' OR OLD.kind = 'page') EXECUTE FUNCTION quire_invalidate_nav();
CREATE TRIGGER posts_delete_invalidate_nav AFTER DELETE ON posts
    FOR EACH ROW WHEN (OLD.kind = 'page') EXECUTE FUNCTION quire_invalidate_nav();
CREATE TRIGGER page_settings_invalidate_nav AFTER INSERT OR UPDATE OR DELETE ON page_settings
    FOR EACH STATEMENT EXECUTE FUNCTION quire_invalidate_nav();

-- +goose Down
DROP TRIGGER page_settings_invalidate_nav ON page_settings;
DROP TRIGGER posts_delete_invalidate_nav ON posts;
DROP TRIGGER posts_update_invalidate_nav ON posts;
DROP TRIGGER posts_insert_invalidate_nav ON posts;
DROP FUNCTION quire_invalidate_nav();
DROP TRIGGER settings_invalidate ON settings;
DROP FUNCTION quire_invalidate_setting();
