package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"quire/internal/render"
	"quire/internal/wxrimport"
)

// importCmd runs `quire import wxr FILE [--old-base-url URL] [--map-author
// wxr=quire …] [--fetch-media]`. --fetch-media copies the attachments and
// the images of the imported posts into the media library through the
// guarded fetch client (QUIRE_FETCH_ALLOW_CIDRS, QUIRE_FETCH_ALLOW_PORTS)
// and points the posts at the copies; without it nothing is fetched. The report goes to standard output; a malformed file
// fails with its line and column before anything is written. Running it
// again is safe: what was imported is skipped, what is new is added.
// Imports never send pingbacks or webmentions, whatever
// QUIRE_SEND_LINKBACKS says: they queue no linkback jobs at all.
func importCmd(ctx context.Context, env Env) error {
	if len(env.Args) == 0 || env.Args[0] != "wxr" {
		return errors.New("want `quire import wxr FILE`")
	}
	fetchMedia, args := boolFlag(env.Args[1:], "fetch-media")
	fs := flag.NewFlagSet("quire import wxr", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	oldBase := fs.String("old-base-url", "", "the WordPress blog's address; old permalinks under it redirect to the imported posts")
	var maps authorMaps
	fs.Var(&maps, "map-author", "wxr-login=quire-username: give a WXR author's posts to an existing user (repeatable)")
	fs.Bool("fetch-media", false, "copy the export's images into the media library and point the posts at the copies") // read by boolFlag, above; here for --help
	rest, err := parseOwn(fs, args, "old-base-url", "map-author")
	if err != nil {
		return err
	}
	flags, args := positional(rest)
	cfg, more, err := loadConfig("import wxr", Env{Args: flags, Getenv: env.Getenv, Stderr: env.Stderr})
	if err != nil {
		return err
	}
	if args = append(args, more...); len(args) != 1 {
		return errors.New("want exactly one FILE: quire import wxr FILE")
	}
	name := args[0]
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, cfgLogger(env.Stderr, cfg), false)
	if err != nil {
		return err
	}
	defer db.Close()
	im := &wxrimport.Importer{Store: db.Store, Render: render.New()}
	if fetchMedia {
		files, err := mediaStorage(ctx, cfg)
		if err != nil {
			return err
		}
		if im.Media, err = importMedia(cfg, db.Store, files, cfgLogger(env.Stderr, cfg)); err != nil {
			return err
		}
	}
	open := func() (io.ReadCloser, error) { return os.Open(name) }
	var last time.Time
	progress := func(n int64, r *wxrimport.Report) { // a line on stderr every few seconds for large files
		if time.Since(last) >= 5*time.Second {
			if !last.IsZero() {
				fmt.Fprintf(env.Stderr, "quire import: %d%% (%d items, %d comments read)\n", n*100/max(fi.Size(), 1), r.Items, r.Comments)
			}
			last = time.Now()
		}
	}
	rep, err := im.Import(ctx, open, wxrimport.Options{OldBaseURL: *oldBase, AuthorMap: maps, Progress: progress, FetchMedia: fetchMedia})
	if rep != nil {
		_, _ = rep.WriteTo(env.Stdout)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// boolFlag takes --name (or --name=true/false) out of args. splitFlags
// and positional expect every flag to take a value, which would make
// `--fetch-media FILE` swallow FILE.
func boolFlag(args []string, name string) (on bool, rest []string) {
	for _, a := range args {
		switch v := strings.TrimLeft(a, "-"); {
		case !strings.HasPrefix(a, "-"):
			rest = append(rest, a) // FILE, even one named like the flag
		case v == name || v == name+"=true" || v == name+"=1":
			on = true
		case v == name+"=false" || v == name+"=0":
			on = false
		default:
			rest = append(rest, a)
		}
	}
	return on, rest
}

// authorMaps collects --map-author wxr=quire flags.
type authorMaps map[string]string

func (m *authorMaps) String() string { return fmt.Sprint(map[string]string(*m)) }

func (m *authorMaps) Set(v string) error {
	from, to, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
		return fmt.Errorf("want wxr-login=quire-username, not %q", v)
	}
	if *m == nil {
		*m = authorMaps{}
	}
	(*m)[strings.TrimSpace(from)] = strings.TrimSpace(to)
	return nil
}

// positional separates FILE from the configuration flags around it, so
// that `quire import wxr FILE --data-dir D` works as well as the flags
// first: every configuration flag takes a value.
func positional(args []string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(pos, args[i+1:]...)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && a != "-h" && a != "--help" && a != "-help" {
				i++
				flags = append(flags, args[i])
			}
		default:
			pos = append(pos, a)
		}
	}
	return flags, pos
}
