package siteadmin

import (
	"context"

	"quire/internal/account"
	"quire/internal/commenting"
	"quire/internal/site"
	"quire/internal/store"
)

// Step is one of the first steps the dashboard offers a new blog's admin,
// with where to take it.
type Step struct {
	Label, Help, Href string
	Done              bool
}

// FirstSteps returns the steps of setting up a blog, for an admin, until
// each is done or an admin hides them; nil otherwise. Each step's Done
// is read from what the blog holds, so a step done elsewhere (a post
// published through the API, a page imported) counts. st is the site
// settings as the caller has them (the node's copy, kept fresh on every
// node): not read again here.
func (s *Service) FirstSteps(ctx context.Context, u *account.User, st site.Settings) ([]Step, error) {
	if !account.Can(u, account.ManageSettings, account.Site) {
		return nil, nil
	}
	f, err := store.FirstStepsDone(ctx, s.Store.Pool, commenting.SettingsKey)
	if err != nil || f.Hidden {
		return nil, err
	}
	d := site.Defaults()
	steps := []Step{
		{"Say what the blog is about", "A tagline under its name and a description for search engines and feeds.", "/admin/settings",
			st.Tagline != d.Tagline || st.Description != ""},
		{"Write your first post", "Markdown or HTML; publish it now or schedule it.", "/admin/posts/new", f.Posted},
		{"Add an About page", "Pages live at the root of the site and in its navigation.", "/admin/pages/new", f.Page},
		{"Invite people to write", "Authors, editors and moderators get a link and choose their own password.", "/admin/invite", f.People},
		{"Choose how comments are moderated", "What is held for review, who may comment, how deep replies go.", "/admin/discussion", f.Discussion},
	}
	for _, step := range steps {
		if !step.Done {
			return steps, nil
		}
	}
	return nil, nil
}

// HideFirstSteps puts the first steps away for every admin, for good
// (the handler checks that an admin asks).
func (s *Service) HideFirstSteps(ctx context.Context) error {
	return store.HideFirstSteps(ctx, s.Store.Pool)
}
