package siteadmin

import (
	"context"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/moderation"
	"quire/internal/post"
	"quire/internal/store"
)

// Figure is one number on the dashboard, with where to act on it.
type Figure struct {
	N         int
	Label     string
	Href      string
	Attention bool // someone should act on it
}

// RecentComment is one of the newest approved responses the dashboard
// lists.
type RecentComment = store.RecentComment

// Dashboard is what the dashboard shows a user.
type Dashboard struct {
	Figures []Figure
	Recent  []RecentComment
	Own     bool // the figures are the user's own posts
}

// Dashboard counts what u may act on: held responses for moderators, guest
// posts for reviewers, posts by status for writers (every author's for
// editors, else u's own), and the recent newest responses. Someone who
// neither writes nor moderates gets an empty one.
func (s *Service) Dashboard(ctx context.Context, u *account.User, recent int) (Dashboard, error) {
	writes := account.Can(u, account.CreatePost, account.Site)
	moderates := account.Can(u, account.Moderate, account.Site)
	if !writes && !moderates {
		return Dashboard{}, nil
	}
	var author int64
	// Own: the posts' figures and the recent responses are u's own posts'
	// for a writer who may not edit others'; a moderator who writes
	// nothing sees the whole blog's responses.
	own := writes && !account.Can(u, account.EditPost, account.Site)
	if own {
		author = u.ID
	}
	d, err := store.DashboardFigures(ctx, s.Store.Pool, author, moderates, recent)
	if err != nil {
		return Dashboard{Own: own}, err
	}
	var figs []Figure
	if moderates {
		for _, k := range []struct {
			kind      comment.Kind
			one, many string
		}{{comment.KindComment, "held comment", "held comments"}, {comment.KindPingback, "held pingback", "held pingbacks"},
			{comment.KindWebmention, "held webmention", "held webmentions"}} {
			n := d.Held[k.kind]
			figs = append(figs, Figure{N: n, Label: pluralWord(n, k.one, k.many), Href: "/admin/moderation?status=held&kind=" + string(k.kind), Attention: n > 0})
		}
	}
	if account.Can(u, account.ReviewGuestPosts, account.Site) {
		n := s.guestQueueCount(ctx)
		figs = append(figs, Figure{N: n, Label: pluralWord(n, "guest post to review", "guest posts to review"), Href: "/admin/moderation?status=held&kind=guest_post", Attention: n > 0})
	}
	if writes {
		pending := d.Posts[post.Pending]
		label := pluralWord(pending, "post awaiting review", "posts awaiting review")
		if own {
			label = pluralWord(pending, "of your posts awaiting review", "of your posts awaiting review")
		}
		figs = append(figs,
			Figure{N: d.Posts[post.Draft], Label: pluralWord(d.Posts[post.Draft], "draft", "drafts"), Href: "/admin/posts?status=draft"},
			Figure{N: d.Posts[post.Scheduled], Label: "scheduled", Href: "/admin/posts?status=scheduled"},
			Figure{N: pending, Label: label, Href: "/admin/posts?status=pending", Attention: pending > 0 && !own},
			Figure{N: d.Posts[post.Published], Label: "published", Href: "/admin/posts?status=published"})
	}
	return Dashboard{Figures: figs, Recent: d.Recent, Own: own}, nil
}

// guestQueueCount counts guest submissions waiting for review; a failure
// only costs the figure.
func (s *Service) guestQueueCount(ctx context.Context) int {
	counts, err := store.QueueCounts(ctx, s.Store.Pool, []moderation.Kind{moderation.KindGuestPost})
	if err != nil {
		s.log().Warn("counting guest posts", "err", err)
	}
	return counts[comment.StatusHeld]
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
