package server

import (
	"context"
	"fmt"
	"net/http"

	"quire/internal/account"
	"quire/internal/comment"
	"quire/internal/commenting"
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

type adminPage struct {
	Page
	Links   []AdminLink
	Figures []Figure
	Own     bool // the figures are the user's own posts
	Recent  []store.RecentComment
}

// dashboardRecent is how many recent responses the dashboard lists.
const dashboardRecent = 5

// adminHome is the dashboard: figures first (each a link to the list it
// counts), then recent responses, then every area the user may use.
// Editors see every author's posts; others see their own.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ViewAdmin, account.Site); err != nil {
		return err
	}
	u := userFrom(r.Context())
	p := adminPage{Page: s.page(r, "Dashboard"), Links: adminNav(u)}
	p.NoIndex = true
	var err error
	p.Figures, p.Recent, p.Own, err = s.dashboard(r.Context(), u)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin", p)
}

func (s *Server) dashboard(ctx context.Context, u *account.User) ([]Figure, []store.RecentComment, bool, error) {
	writes := account.Can(u, account.CreatePost, account.Site)
	moderates := account.Can(u, account.Moderate, account.Site)
	if !writes && !moderates {
		return nil, nil, false, nil
	}
	var author int64
	own := !account.Can(u, account.EditPost, account.Site)
	if own {
		author = u.ID
	}
	d, err := store.DashboardFigures(ctx, s.store.Pool, author, moderates, dashboardRecent)
	if err != nil {
		return nil, nil, own, err
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
	return figs, d.Recent, own, nil
}

// guestQueueCount counts guest submissions waiting for review; a failure
// only costs the figure.
func (s *Server) guestQueueCount(ctx context.Context) int {
	counts, err := store.QueueCounts(ctx, s.store.Pool, []moderation.Kind{moderation.KindGuestPost})
	if err != nil {
		s.log.Warn("counting guest posts", "err", err)
	}
	return counts[comment.StatusHeld]
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// welcome is the flash after a sign-in: "Welcome" the first time,
// "Welcome back" after; it records the sign-in.
func (s *Server) welcome(ctx context.Context, u *account.User) string {
	first, err := store.MarkSignedIn(ctx, s.store.Pool, u.ID)
	if err != nil {
		s.log.Warn("recording sign-in", "err", err)
	}
	if first {
		return fmt.Sprintf("Welcome, %s.", u.Name())
	}
	return fmt.Sprintf("Welcome back, %s.", u.Name())
}

// signUpOpen reports whether anyone may become a member from the sign-in
// page (sign-up is open, not closed or by invitation only).
func (s *Server) signUpOpen(ctx context.Context) bool {
	st, _, err := s.comments.Settings(ctx)
	return err == nil && st.SignUp == commenting.SignUpOpen
}
