package cli

import (
	"context"
	"fmt"
	"log/slog"

	"quire/internal/config"
	"quire/internal/mail"
	"quire/internal/newsletter"
	"quire/internal/signed"
	"quire/internal/store"
	"quire/web"
)

// newsletterSender builds the newsletter's sender over the same mailer as
// every other mail (SMTP, or the outbox without QUIRE_SMTP_URL).
func newsletterSender(cfg config.Config, st *store.Store, mailer mail.Mailer, key signed.Key,
	site func(context.Context) string, log *slog.Logger) (*newsletter.Sender, error) {
	d, ok := mailer.(mail.Dialer)
	if !ok {
		return nil, fmt.Errorf("newsletter: mailer %T cannot hold a connection", mailer)
	}
	tpl, err := newsletter.LoadTemplates(web.FS)
	if err != nil {
		return nil, err
	}
	return &newsletter.Sender{Store: st, Dialer: d, Templates: tpl, Tokens: newsletter.Tokens{Key: key}, Base: cfg.BaseURL,
		Site: site, PerMinute: cfg.NewsletterPerMinute, Log: log}, nil
}
