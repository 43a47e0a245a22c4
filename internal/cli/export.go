package cli

import (
	"bufio"
	"context"
	"errors"

	"quire/internal/wxrimport"
)

// exportCmd runs `quire export wxr`: the whole blog as WXR 1.2 on
// standard output (`quire export wxr > blog.xml`), for WordPress or for
// another Quire.
func exportCmd(ctx context.Context, env Env) error {
	if len(env.Args) == 0 || env.Args[0] != "wxr" {
		return errors.New("want `quire export wxr > FILE`")
	}
	cfg, args, err := loadConfig("export wxr", Env{Args: env.Args[1:], Getenv: env.Getenv, Stderr: env.Stderr})
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return errors.New("quire export wxr takes no arguments; redirect standard output to a file")
	}
	db, err := openDatabase(ctx, cfg, cfgLogger(env.Stderr, cfg), false)
	if err != nil {
		return err
	}
	defer db.Close()
	w := bufio.NewWriterSize(env.Stdout, 1<<16)
	exp := &wxrimport.Service{Store: db.Store, BaseURL: cfg.BaseURL.String()}
	if err := exp.Export(ctx, w); err != nil {
		return err
	}
	return w.Flush()
}
