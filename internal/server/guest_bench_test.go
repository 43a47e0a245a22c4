package server

import (
	"context"
	"net/netip"
	"strconv"
	"testing"

	"quire/internal/account"
	"quire/internal/guestpost"
	"quire/internal/guestposting"
	"quire/internal/post"
	"quire/internal/store"
)

// BenchmarkGuestPosts measures a submission through the whole workflow
// (render, rules, flood counts under the advisory locks, insert, audit,
// two mail jobs) and the page of a published guest post next to an
// ordinary post of the same size (the guest box is one more query).
func BenchmarkGuestPosts(b *testing.B) {
	srv := pubBenchServer(b)
	ctx := context.Background()
	eve := &account.User{Username: "eve", Email: "eve@blog.invalid", Role: account.Editor}
	if err := store.CreateUser(ctx, srv.guests.Store.Pool, eve); err != nil {
		b.Fatal(err)
	}
	ref, err := store.PostBySlug(ctx, srv.guests.Store.Pool, post.KindPost, "post-a-0")
	if err != nil {
		b.Fatal(err)
	}
	d := guestpost.Draft{Title: "Guest", Body: ref.BodySource, Format: post.Markdown, Name: "Ada", Email: "ada@blog.invalid",
		Bio: "Ada writes.", Website: "https://ada.invalid/"}
	res, err := srv.guests.Submit(ctx, guestposting.Input{Draft: d, IP: netip.MustParseAddr("192.0.2.1")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.guests.Accept(ctx, eve, res.Submission.ID, guestposting.Acceptance{Slug: "guest-post", Intro: "A note."}); err != nil {
		b.Fatal(err)
	}
	b.Run("submit", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			in := guestposting.Input{Draft: d, IP: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})}
			in.Draft.Email = "g" + strconv.Itoa(i) + "@blog.invalid"
			if _, err := srv.guests.Submit(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("guest-post-page", func(b *testing.B) { pubBenchPage(b, srv, "/posts/guest-post") })
	b.Run("post-page", func(b *testing.B) { pubBenchPage(b, srv, "/posts/post-a-0") })
}
