package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"quire/internal/server"
	"quire/internal/theme"
	"quire/web"
)

// themedFS is the built-in web files, or the theme in dir laid over them.
// A theme that does not pass CheckTheme (a template that fails to parse or
// to render, safeHTML given anything but a sanitised field) stops start-up.
func themedFS(dir string) (fs.FS, error) {
	if dir == "" {
		return web.FS, nil
	}
	fsys, files, err := loadTheme(dir)
	if err != nil {
		return nil, err
	}
	if err := server.CheckTheme(fsys, files, os.DirFS(dir)); err != nil {
		return nil, fmt.Errorf("theme %s: %w (run quire theme check %s)", dir, err, dir)
	}
	return fsys, nil
}

func loadTheme(dir string) (fs.FS, []string, error) {
	fsys, err := theme.Open(dir, web.FS)
	if err != nil {
		return nil, nil, err
	}
	files, err := theme.Templates(os.DirFS(dir))
	return fsys, files, err
}

// themeCmd is `quire theme check DIR`: every problem on its own line, a
// summary, and exit status 1 when there is any.
func themeCmd(_ context.Context, env Env) error {
	if len(env.Args) == 2 && env.Args[0] == "check" && isHelp(env.Args[1]) {
		fmt.Fprintln(env.Stdout, "Usage: quire theme check DIR\n  parse DIR's templates and render every reading page with sample data; a problem exits 1, listed")
		return nil
	}
	if len(env.Args) != 2 || env.Args[0] != "check" {
		return errors.New("usage: quire theme check DIR")
	}
	dir := env.Args[1]
	fsys, files, err := loadTheme(dir)
	if err != nil {
		return err
	}
	if err := server.CheckTheme(fsys, files, os.DirFS(dir)); err != nil {
		fmt.Fprintln(env.Stdout, err)
		return fmt.Errorf("theme %s has problems (listed above)", dir)
	}
	fmt.Fprintf(env.Stdout, "theme %s: %d templates of its own, every reading page renders\n", dir, len(files))
	return nil
}
