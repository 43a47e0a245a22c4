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
}

func commands() []command {
	return []command{
		{"serve", "quire serve [flags]", "run the blog server", serve},
		{"migrate", "quire migrate [up|status] [flags]", "apply or list database migrations", migrate},
		{"user", "quire user add|passwd|list [flags]", "manage accounts (passwords are read from standard input)", userCmd},
		{"token", "quire token create|revoke [flags]", "manage API tokens", tokenCmd},
		{"settings", "quire settings get [KEY] | set KEY VALUE", "read or change the site settings (title, time_zone…)", settingsCmd},
		{"demo", "quire demo [flags]", "load the demo blog (idempotent)", demo}, // Publishing (demo.go)
		{"import", "quire import wxr FILE [--old-base-url URL] [--map-author wxr=quire]", "import a WordPress export (idempotent)", importCmd},
		{"export", "quire export wxr > FILE", "export the blog as a WordPress WXR 1.2 file", exportCmd},
		{"outbox", "quire outbox [--to ADDR] [--last N]", "print the newest mail of the local outbox whole, links included", outboxCmd},
		{"healthcheck", "quire healthcheck [--url URL]", "probe a running server (for container health checks)", healthcheck},
		{"bench", "quire bench [--large] [--pages busy,big,front] [--conns 32]", "load a generated blog and measure pages against a static baseline", bench},
		{"theme", "quire theme check DIR", "check a theme folder: parse its templates, render every reading page with sample data", themeCmd},
	}
}

// Run executes the command in args (without the program name) and returns
// the process exit status.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
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
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.help)
	}
	fmt.Fprintln(w, "\nEvery command takes the configuration flags below (and reads the same environment variables);\n`quire COMMAND --help` shows them.")
	for _, v := range config.Variables() {
		def := v[1]
		if def == "" {
			def = "(unset)"
		}
		fmt.Fprintf(w, "  %-24s default %-22s %s\n", v[0], def, v[2])
	}
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
