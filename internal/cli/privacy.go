package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// privacyCmd looks up or erases what the blog stores under an e-mail
// address, as the admin's Personal data page does, for whoever runs the
// server: `quire privacy show ADDR` prints the report as JSON, `quire
// privacy erase ADDR` erases it (audited as the command line's) and says
// what went.
func privacyCmd(ctx context.Context, env Env) error {
	return dispatch(ctx, env, []subcommand{{"show", privacyShow}, {"erase", privacyErase}})
}

// privacyDB opens the database for a privacy subcommand and returns its
// one argument, the address.
func privacyDB(ctx context.Context, env Env, name string) (*database, string, error) {
	cfg, rest, err := loadConfig("privacy "+name, env)
	if err != nil {
		return nil, "", err
	}
	if len(rest) != 1 {
		return nil, "", errors.New("want one e-mail address, e.g. quire privacy " + name + " someone@example.com")
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	return db, rest[0], err
}

func privacyShow(ctx context.Context, env Env) error {
	db, addr, err := privacyDB(ctx, env, "show")
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.siteAdmin().OperatorPersonalData(ctx, addr)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(env.Stdout, string(b))
	return err
}

func privacyErase(ctx context.Context, env Env) error {
	db, addr, err := privacyDB(ctx, env, "erase")
	if err != nil {
		return err
	}
	defer db.Close()
	e, err := db.siteAdmin().OperatorErasePersonalData(ctx, addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Erased: %s.\n", e.Words())
	if e.GuestKept {
		fmt.Fprintln(env.Stdout, "The guest's published posts keep their byline, bio and website: edit them if they should go too.")
	}
	if e.AccountUntouched != "" {
		fmt.Fprintf(env.Stdout, "The account %s uses the address: change or delete it in the admin's Users page.\n", e.AccountUntouched)
	}
	return nil
}
