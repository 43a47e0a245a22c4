package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/post"
	"quire/internal/render"
	"quire/internal/site"
	"quire/internal/store"
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
	users, posts, err := loadDemo(ctx, db.Store, time.Now())
	if err != nil {
		return err
	}
	r := render.New()
	comments, err := loadDemoComments(ctx, db.Store, r, demoDiscussionPost)
	if err != nil {
		return err
	}
	held, err := loadDemoHeld(ctx, db.Store, r)
	if err != nil {
		return err
	}
	comments += held
	fmt.Fprintf(env.Stdout, "demo blog: %d authors, %d posts and %d responses added\n", users, posts, comments)
	if err := loadDemoPages(ctx, db.Store, env.Stdout); err != nil { // Pages: About and Contact (demo_pages.go)
		return err
	}
	return ensureDemoAdmin(ctx, db.Store, env.Stdout, cfg.BaseURL.String())
}

// demoDiscussionPost is the demo post that carries the demo discussion.
const demoDiscussionPost = "Full-text search with tsvector"

// loadDemo adds the demo authors and posts that do not exist yet and
// returns how many it added. Post dates are relative to now.
func loadDemo(ctx context.Context, s *store.Store, now time.Time) (users, posts int, err error) {
	st, err := store.SiteSettings(ctx, s.Pool)
	if err != nil {
		return 0, 0, err
	}
	if st.Title == site.Defaults().Title { // nobody has named the blog yet
		st.Title, st.Tagline = "The Quire Quarterly", "Three writers, one notebook"
		if err := store.PutSetting(ctx, s.Pool, site.Key, st); err != nil {
			return 0, 0, err
		}
	}
	r := render.New()
	ids := map[string]int64{}
	for _, a := range demoAuthors {
		u, err := store.UserByLogin(ctx, s.Pool, a.Username)
		if errors.Is(err, apperr.ErrNotFound) {
			// No password: demo authors cannot sign in until someone runs
			// `quire user passwd`.
			u = &account.User{Username: a.Username, Email: a.Username + "@demo.invalid", Role: account.Author}
			if err := store.CreateUser(ctx, s.Pool, u); err != nil {
				return users, posts, err
			}
			bio, err := r.Render(render.Bio, render.Markdown, a.Profile.BioSource)
			if err != nil {
				return users, posts, err
			}
			if err := store.UpdateProfile(ctx, s.Pool, u.ID, u.ID, a.Profile, bio); err != nil {
				return users, posts, err
			}
			users++
		} else if err != nil {
			return users, posts, err
		}
		ids[a.Username] = u.ID
	}
	for _, d := range demoPosts {
		_, err := store.PostBySlug(ctx, s.Pool, post.KindPost, post.Slugify(d.Title))
		if err == nil {
			continue
		}
		if !errors.Is(err, apperr.ErrNotFound) {
			return users, posts, err
		}
		p := &post.Post{
			AuthorID: ids[d.Author], Title: d.Title, BodySource: d.Body, Format: post.Markdown,
			Status: d.Status, Tags: post.ParseTerms(post.Tag, d.Tags), Categories: post.ParseTerms(post.Category, d.Categories),
		}
		if d.Status != post.Draft {
			p.Status, p.PublishedAt = post.Schedule(post.Published, now.Add(d.Age).Truncate(time.Minute), now)
		}
		p.Normalize()
		if err := p.Validate(); err != nil {
			return users, posts, fmt.Errorf("demo post %q: %w", d.Title, err)
		}
		if err := p.Render(r); err != nil {
			return users, posts, err
		}
		if err := store.CreatePost(ctx, s.Pool, nil, p.AuthorID, p); err != nil {
			return users, posts, err
		}
		posts++
	}
	return users, posts, nil
}
