package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"quire/internal/text"
)

// outboxMax is the most mails one `quire outbox` prints.
const outboxMax = 100

// outboxCmd prints the newest mails of the local outbox whole, links and
// their secrets included: the way to follow a sign-up, reset or
// confirmation link on a machine that runs without QUIRE_SMTP_URL, since
// /admin/outbox shows those links redacted. Oldest first, so that the
// newest ends next to the prompt.
func outboxCmd(ctx context.Context, env Env) error {
	fs := flag.NewFlagSet("quire outbox", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	to := fs.String("to", "", "only mail to this address")
	last := fs.Int("last", 1, fmt.Sprintf("how many of the newest mails to print (at most %d)", outboxMax))
	var err error
	if env.Args, err = parseOwn(fs, env.Args, "to", "last"); err != nil {
		return err
	}
	cfg, args, err := loadConfig("outbox", env)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q (the address goes in --to)", args[0])
	}
	if *last < 1 || *last > outboxMax {
		return fmt.Errorf("--last must be between 1 and %d", outboxMax)
	}
	if cfg.DatabaseURL == "" {
		// Reading mail needs a blog that ran: not a cluster made on the
		// spot in a mistyped folder.
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "postgres", "PG_VERSION")); err != nil {
			return fmt.Errorf("no Quire data in %s: give the server's folder (--data-dir, QUIRE_DATA_DIR) or DATABASE_URL", cfg.DataDir)
		}
	}
	db, err := openDatabase(ctx, cfg, newLogger(io.Discard, "error"), false)
	if err != nil {
		return err
	}
	defer db.Close()
	mails, err := db.siteAdmin().OutboxWhole(ctx, strings.TrimSpace(*to), *last)
	if err != nil {
		return err
	}
	if len(mails) == 0 {
		what := "no mail in the local outbox"
		if *to != "" {
			what = fmt.Sprintf("no mail to %s in the local outbox", *to)
		}
		if cfg.SMTPURL != "" {
			what += " (QUIRE_SMTP_URL is set: mail goes out over SMTP)"
		}
		return errors.New(what)
	}
	slices.Reverse(mails)
	for i, m := range mails {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		// A mail quotes strangers (a held comment): printed on a terminal,
		// its control characters are shown, not obeyed.
		fmt.Fprintf(env.Stdout, "Date: %s\nTo: %s\nSubject: %s\n", m.CreatedAt.UTC().Format(time.RFC1123Z),
			text.Terminal(m.To), text.Terminal(m.Subject))
		for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
			fmt.Fprintf(env.Stdout, "%s: %s\n", text.Terminal(k), text.Terminal(m.Headers[k]))
		}
		fmt.Fprintf(env.Stdout, "\n%s\n", text.Terminal(strings.TrimRight(m.Body, "\n")))
	}
	return nil
}
