package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

func tokenCmd(ctx context.Context, env Env) error {
	return dispatch(ctx, env, []subcommand{{"create", tokenCreate}, {"revoke", tokenRevoke}})
}

// tokenCreate prints only the token, so scripts can capture it.
func tokenCreate(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire token create", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	username := fs.String("username", "", "the token's user (required)")
	name := fs.String("name", "cli", "a label to recognise the token by")
	var err error
	if env.Args, err = parseOwn(fs, env.Args, "username", "name"); err != nil {
		return err
	}
	cfg, _, err := loadConfig("token create", env)
	if err != nil {
		return err
	}
	if *username == "" {
		return errors.New("--username is required")
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	acc := db.accounts()
	u, err := userNamed(ctx, acc, *username)
	if err != nil {
		return err
	}
	tok, err := acc.CreateToken(ctx, u, *name)
	if errors.Is(err, accounts.ErrUserDisabled) {
		return fmt.Errorf("user %q is disabled", *username)
	} else if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, tok)
	return nil
}

// tokenRevoke takes the token itself (argument or --token) or its --id.
func tokenRevoke(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire token revoke", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	id := fs.Int64("id", 0, "the token's id")
	tokFlag := fs.String("token", "", "the token itself")
	var err error
	if env.Args, err = parseOwn(fs, env.Args, "id", "token"); err != nil {
		return err
	}
	cfg, args, err := loadConfig("token revoke", env)
	if err != nil {
		return err
	}
	tok := *tokFlag
	if tok == "" && len(args) == 1 {
		tok = args[0]
	}
	switch {
	case tok != "":
		// Checked before the database starts, to fail fast; RevokeToken checks again.
		if err := account.CheckTokenFormat(tok); err != nil {
			return err
		}
	case *id == 0:
		return errors.New("name the token: quire token revoke TOKEN, or --id N")
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.accounts().RevokeToken(ctx, *id, tok); errors.Is(err, apperr.ErrNotFound) {
		return errors.New("no such live token")
	} else if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "revoked")
	return nil
}
