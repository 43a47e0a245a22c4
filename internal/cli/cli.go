// Package cli is Quire's composition root: one file per command. Run parses
// the command line, builds what the command needs, and returns the exit
// status; every failure prints a one-line reason on stderr.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"quire/internal/config"
)

// Env is what a command may use from the process: no globals.
type Env struct {
	Args   []string // after the command name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name, usage, help string
	run               func(ctx context.Context, env Env) error
	subs              bool // its first argument names a subcommand, whose own --help lists the flags
}

func commands() []command {
	return []command{
		{"serve", "quire serve [flags]", "run the blog server", serve, false},
		{"migrate", "quire migrate [up|status] [flags]", "apply or list database migrations", migrate, false},
		{"user", "quire user add|passwd|list [flags]", "manage accounts (passwords are read from standard input)", userCmd, true},
		{"token", "quire token create|revoke [flags]", "manage API tokens", tokenCmd, true},
		{"settings", "quire settings get [KEY] | set KEY VALUE", "read or change the site settings (title, time_zone…)", settingsCmd, true},
		{"demo", "quire demo [flags]", "load the demo blog (idempotent)", demo, false}, // Publishing (demo.go)
		{"import", "quire import wxr FILE [--old-base-url URL] [--map-author wxr=quire]", "import a WordPress export (idempotent)", importCmd, true},
		{"export", "quire export wxr > FILE", "export the blog as a WordPress WXR 1.2 file", exportCmd, true},
		{"privacy", "quire privacy show|erase ADDR", "print what the blog stores under an e-mail address as JSON, or erase it", privacyCmd, true},
		{"outbox", "quire outbox [--to ADDR] [--last N]", "print the newest mail of the local outbox whole, links included", outboxCmd, false},
		{"healthcheck", "quire healthcheck [--url URL]", "probe a running server (for container health checks)", healthcheck, false},
		{"bench", "quire bench [--large] [--pages busy,big,front] [--conns 32]", "load a generated blog and measure pages against a static baseline", bench, false},
		{"theme", "quire theme check DIR", "check a theme folder: parse its templates, render every reading page with sample data", themeCmd, true},
	}
}

// Run executes the command in args (without the program name) and returns
// the process exit status.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		if c.subs && len(args) > 1 && isHelp(args[1]) {
			fmt.Fprintf(stdout, "Usage: %s\n  %s\n\n`quire %s SUBCOMMAND --help` lists a subcommand's flags.\n", c.usage, c.help, c.name)
			return 0
		}
		err := c.run(ctx, Env{Args: args[1:], Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr})
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintf(stderr, "quire %s: %s\n", c.name, oneLine(err))
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "quire: unknown command %q (try quire --help)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Quire — a multi-author blog server.\n\nUsage:")
	const col = 40
	for _, c := range commands() {
		if len(c.usage) > col {
			// A long synopsis keeps the column for the others: its help
			// goes on the next line, under theirs.
			fmt.Fprintf(w, "  %s\n  %-*s %s\n", c.usage, col, "", c.help)
			continue
		}
		fmt.Fprintf(w, "  %-*s %s\n", col, c.usage, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes the configuration flags below (and reads the same environment variables);\n`quire COMMAND --help` shows them.")
	vars := config.Variables()
	name, def := 0, 0
	for _, v := range vars {
		name, def = max(name, len(v[0])), max(def, len(orUnset(v[1])))
	}
	for _, v := range vars {
		fmt.Fprintf(w, "  %-*s default %-*s %s\n", name, v[0], def, orUnset(v[1]), v[2])
	}
}

// isHelp reports whether arg asks for help rather than naming something.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// orUnset names an empty default.
func orUnset(def string) string {
	if def == "" {
		return "(unset)"
	}
	return def
}

// oneLine keeps a failure message on one line, as scripts expect.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// loadConfig parses flags for a command; errors name the variable.
func loadConfig(name string, env Env) (config.Config, []string, error) {
	cfg, rest, err := config.Load("quire "+name, env.Args, env.Getenv, env.Stderr)
	if err != nil {
		return cfg, rest, err
	}
	return cfg, rest, nil
}
