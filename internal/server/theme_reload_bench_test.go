package server

import (
	"context"
	"io/fs"
	"os"
	"testing"

	"quire/internal/account"
	"quire/internal/store"
)

// BenchmarkThemeReload is what each node pays when the theme changes:
// read the example theme from the database, parse it over the built-in
// templates and swap it in.
func BenchmarkThemeReload(b *testing.B) {
	srv, st, _ := countingServer(b)
	ctx := context.Background()
	u := &account.User{Username: "root", Email: "root@example.com", Role: account.Admin, DisplayName: "Root"}
	if err := store.CreateUser(ctx, st.Pool, u); err != nil {
		b.Fatal(err)
	}
	files := map[string][]byte{}
	top := os.DirFS("../../web/themes/ink")
	for _, p := range []string{"static/theme.css", "templates/partials/postcard.html"} {
		data, err := fs.ReadFile(top, p)
		if err != nil {
			b.Fatal(err)
		}
		files[p] = data
	}
	if err := srv.admin.SaveTheme(ctx, u.ID, "ink", files); err != nil {
		b.Fatal(err)
	}
	if err := srv.admin.ActivateTheme(ctx, u.ID, "ink"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := srv.reloadTheme(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if srv.look.Load().name != "ink" {
		b.Fatal("ink is not in use")
	}
}
