package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

func userCmd(ctx context.Context, env Env) error {
	return dispatch(ctx, env, []subcommand{{"add", userAdd}, {"passwd", userPasswd}, {"list", userList}})
}

// subcommand is one word of a command like `quire user add`.
type subcommand struct {
	name string
	run  func(context.Context, Env) error
}

// dispatch runs the subcommand named by the first argument.
func dispatch(ctx context.Context, env Env, subs []subcommand) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	want := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if len(env.Args) == 0 {
		return errors.New("want a subcommand: " + want)
	}
	for _, s := range subs {
		if s.name == env.Args[0] {
			return s.run(ctx, Env{Args: env.Args[1:], Getenv: env.Getenv, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr})
		}
	}
	return fmt.Errorf("unknown subcommand %q: want %s", env.Args[0], want)
}

// splitFlags separates the command's own flags from the configuration
// flags, so `quire user add --username x --data-dir y` works in any order.
func splitFlags(args []string, own ...string) (mine, rest []string) {
	isOwn := map[string]bool{}
	for _, o := range own {
		isOwn[o] = true
	}
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(args[i], "-")
		name, _, hasVal := strings.Cut(name, "=")
		if strings.HasPrefix(args[i], "-") && isOwn[name] {
			mine = append(mine, args[i])
			if !hasVal && i+1 < len(args) {
				i++
				mine = append(mine, args[i])
			}
			continue
		}
		rest = append(rest, args[i])
	}
	return mine, rest
}

// parseOwn parses the command's own flags, defined in fs and named in own,
// out of args and returns the rest, for loadConfig. When the rest asks
// for help, fs's flags are printed first: the configuration's usage that
// loadConfig prints next does not know them.
func parseOwn(fs *flag.FlagSet, args []string, own ...string) ([]string, error) {
	mine, rest := splitFlags(args, own...)
	if err := fs.Parse(mine); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(rest, func(a string) bool { return strings.TrimLeft(a, "-") == "h" || strings.TrimLeft(a, "-") == "help" }) {
		fmt.Fprintf(fs.Output(), "Flags of %s:\n", fs.Name())
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output())
	}
	return rest, nil
}

// readPassword reads one line from standard input.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	p := strings.TrimRight(line, "\r\n")
	if p == "" {
		return "", errors.New("no password on standard input (e.g. `echo 'a long password' | quire user add …`)")
	}
	return p, nil
}

func userAdd(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire user add", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	username := fs.String("username", "", "account name (required)")
	email := fs.String("email", "", "e-mail address (required)")
	role := fs.String("role", "author", "admin, editor, author, contributor, moderator or member")
	display := fs.String("display-name", "", "name shown on posts")
	var err error
	if env.Args, err = parseOwn(fs, env.Args, "username", "email", "role", "display-name"); err != nil {
		return err
	}
	cfg, _, err := loadConfig("user add", env)
	if err != nil {
		return err
	}
	password, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	// Checked before the database starts, to fail fast; AddUser checks again.
	if err := account.ValidateNew(*username, *email, account.Role(*role), password); err != nil {
		return fieldsError(err)
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.accounts().AddUser(ctx, accounts.NewUser{Username: *username, Email: *email, Role: account.Role(*role), DisplayName: *display, Password: password})
	if err != nil {
		return fieldsError(err)
	}
	fmt.Fprintf(env.Stdout, "created user %s (id %d, %s)\n", u.Username, u.ID, u.Role)
	return nil
}

func userPasswd(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire user passwd", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	username := fs.String("username", "", "account name (required)")
	var err error
	if env.Args, err = parseOwn(fs, env.Args, "username"); err != nil {
		return err
	}
	cfg, _, err := loadConfig("user passwd", env)
	if err != nil {
		return err
	}
	password, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	if err := account.ValidatePassword(password); err != nil {
		return fieldsError(err)
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
	if err := acc.SetPassword(ctx, u, password); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "password changed for %s; their sessions were signed out and their API tokens revoked\n", u.Username)
	return nil
}

func userList(ctx context.Context, env Env) error {
	cfg, _, err := loadConfig("user list", env)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.accounts().Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tEMAIL\tROLE\tSTATUS")
	for _, u := range users {
		st := "active"
		if u.Disabled {
			st = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Email, u.Role, st)
	}
	return tw.Flush()
}

// fieldsError flattens per-field messages into one line.
func fieldsError(err error) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for _, k := range []string{"username", "email", "role", "password"} {
		if m, ok := e.Fields[k]; ok {
			parts = append(parts, k+": "+m)
		}
	}
	return errors.New(strings.Join(parts, "; "))
}

// userNamed returns the account called name, or a one-line "no user" error.
func userNamed(ctx context.Context, acc *accounts.Service, name string) (*account.User, error) {
	u, err := acc.UserByLogin(ctx, name)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, fmt.Errorf("no user %q", name)
	}
	return u, err
}
