package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"quire/internal/config"
)

// newLogger returns a logger at level: readable text lines when w is a
// terminal, JSON otherwise (for log collectors).
func newLogger(w io.Writer, level string) *slog.Logger { return makeLogger(w, level, "auto") }

// cfgLogger is newLogger with QUIRE_LOG_FORMAT applied.
func cfgLogger(w io.Writer, cfg config.Config) *slog.Logger {
	return makeLogger(w, cfg.LogLevel, cfg.LogFormat)
}

func makeLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	var h slog.Handler
	if format == "text" || (format != "json" && isTerminal(w)) {
		// A person reads this: the clock time is enough.
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.String(slog.TimeKey, a.Value.Time().Format(time.TimeOnly))
			}
			return a
		}
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(quietLibs{h})
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// libraryPrefixes start the messages River logs about itself (job counts,
// leadership, its own migrations), which Quire reports in its own words
// where they matter. They are kept, at debug level.
var libraryPrefixes = []string{"River client", "rivermigrate.", "producer:", "elector:", "notifier:", "client:",
	"jobexecutor", "periodic_job_enqueuer", "queue_maintainer", "job_cleaner", "job_rescuer", "job_scheduler",
	"queue_cleaner", "reindexer"}

// quietLibs lowers library chatter below warnings to debug level.
type quietLibs struct{ slog.Handler }

func (q quietLibs) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn && fromLibrary(r.Message) {
		if !q.Handler.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		r.Level = slog.LevelDebug
	}
	return q.Handler.Handle(ctx, r)
}

func (q quietLibs) WithAttrs(as []slog.Attr) slog.Handler { return quietLibs{q.Handler.WithAttrs(as)} }
func (q quietLibs) WithGroup(name string) slog.Handler    { return quietLibs{q.Handler.WithGroup(name)} }

func fromLibrary(msg string) bool {
	for _, p := range libraryPrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
