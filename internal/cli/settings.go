package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"quire/internal/site"
)

// settingsCmd reads and changes the blog's site settings:
// `quire settings get [KEY]` and `quire settings set KEY VALUE`.
func settingsCmd(ctx context.Context, env Env) error {
	return dispatch(ctx, env, []subcommand{{"get", settingsGet}, {"set", settingsSet}})
}

func settingsGet(ctx context.Context, env Env) error {
	cfg, rest, err := loadConfig("settings get", env)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return errors.New("want at most one setting name")
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.siteAdmin().Settings(ctx)
	if err != nil {
		return err
	}
	keys := site.Keys
	if len(rest) == 1 {
		keys = rest
	}
	for _, k := range keys {
		v, err := st.Get(k)
		if err != nil {
			return err
		}
		if len(rest) == 1 {
			fmt.Fprintln(env.Stdout, v)
		} else {
			fmt.Fprintf(env.Stdout, "%s=%q\n", k, v)
		}
	}
	return nil
}

// settingsSet changes one setting; running servers see it within their
// cache's lifetime (ten seconds).
func settingsSet(ctx context.Context, env Env) error {
	cfg, rest, err := loadConfig("settings set", env)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return errors.New("want a setting name and its value, e.g. quire settings set title 'My blog'")
	}
	key, value := rest[0], rest[1]
	if _, err := site.Defaults().Get(key); err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.siteAdmin().UpdateSettings(ctx, 0, func(s *site.Settings) error { return s.Set(key, value) })
	if err != nil {
		return err
	}
	v, _ := st.Get(key)
	fmt.Fprintf(env.Stdout, "%s=%q\n", key, v)
	return nil
}
