package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"quire/internal/account"
	"quire/internal/app"
	"quire/internal/apperr"
	"quire/internal/media/library"
	"quire/internal/post"
	"quire/internal/publishing"
	"quire/web"
)

// demo loads the demo blog: three authors with profiles and about fifteen
// posts, one scheduled and one a draft. It only adds what is missing, so it
// is safe to run on every start (make run does).
func demo(ctx context.Context, env Env) error {
	cfg, _, err := loadConfig("demo", env)
	if err != nil {
		return err
	}
	log := cfgLogger(env.Stderr, cfg)
	db, err := openDatabase(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// web.FS: the demo sends no mail, so a theme's templates do not matter.
	svc, err := app.New(ctx, app.Deps{Config: cfg, Store: db.Store, Log: log, WebFS: web.FS})
	if err != nil {
		return err
	}
	users, posts, err := loadDemo(ctx, svc, time.Now())
	if err != nil {
		return err
	}
	comments, err := loadDemoComments(ctx, svc, demoDiscussionPost)
	if err != nil {
		return err
	}
	held, err := loadDemoHeld(ctx, svc)
	if err != nil {
		return err
	}
	comments += held
	fmt.Fprintf(env.Stdout, "demo blog: %d authors, %d posts and %d responses added\n", users, posts, comments)
	if err := loadDemoPages(ctx, svc, env.Stdout); err != nil { // Pages: About and Contact (demo_pages.go)
		return err
	}
	return ensureDemoAdmin(ctx, svc.Accounts, env.Stdout, cfg.BaseURL.String())
}

// demoDiscussionPost is the demo post that carries the demo discussion.
const demoDiscussionPost = "Full-text search with tsvector"

// loadDemo adds the demo authors and posts that do not exist yet and
// returns how many it added. Post dates are relative to now.
func loadDemo(ctx context.Context, svc *app.Services, now time.Time) (users, posts int, err error) {
	if _, err := svc.Admin.NameBlog(ctx, "The Quire Quarterly", "Three writers, one notebook"); err != nil {
		return 0, 0, err
	}
	authors := map[string]*account.User{}
	for _, a := range demoAuthors {
		u, err := svc.Accounts.UserByLogin(ctx, a.Username)
		if errors.Is(err, apperr.ErrNotFound) {
			// No password: demo authors cannot sign in until someone runs
			// `quire user passwd`.
			u = &account.User{Username: a.Username, Email: a.Username + "@demo.invalid", Role: account.Author}
			if err := svc.Accounts.AddAuthor(ctx, u, a.Profile); err != nil {
				return users, posts, err
			}
			users++
		} else if err != nil {
			return users, posts, err
		}
		authors[a.Username] = u
	}
	for _, d := range demoPosts {
		_, err := svc.Publishing.BySlug(ctx, post.KindPost, post.Slugify(d.Title))
		if err == nil {
			continue
		}
		if !errors.Is(err, apperr.ErrNotFound) {
			return users, posts, err
		}
		p := &post.Post{
			AuthorID: authors[d.Author].ID, Title: d.Title, BodySource: d.Body, Format: post.Markdown,
			Status: d.Status, Tags: post.ParseTerms(post.Tag, d.Tags), Categories: post.ParseTerms(post.Category, d.Categories),
		}
		if d.Status != post.Draft {
			p.Status, p.PublishedAt = post.Schedule(post.Published, now.Add(d.Age).Truncate(time.Minute), now)
		}
		if err := svc.Publishing.Prepare(p); err != nil {
			return users, posts, fmt.Errorf("demo post %q: %w", d.Title, err)
		}
		var x publishing.Extras
		if d.Status != post.Draft {
			// A cover drawn for the post, uploaded by its author like any
			// image, so the front page and the feeds show featured images.
			m, err := svc.Media.Upload(ctx, authors[d.Author], &library.Form{Filename: post.Slugify(d.Title) + ".png",
				Data: demoCover(d.Title, d.Categories), Alt: "Abstract cover for “" + d.Title + "”"})
			if err != nil {
				return users, posts, fmt.Errorf("demo cover for %q: %w", d.Title, err)
			}
			x.Featured = &m.ID
		}
		if err := svc.Publishing.Seed(ctx, p, x); err != nil {
			return users, posts, err
		}
		posts++
	}
	if posts > 0 {
		// The demo is a blog in its stride, not a new one: the dashboard's
		// first steps (a new blog's set-up) would only be in the way.
		if err := svc.Admin.HideFirstSteps(ctx); err != nil {
			return users, posts, err
		}
	}
	return users, posts, nil
}
