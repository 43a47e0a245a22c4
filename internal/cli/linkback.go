package cli

import (
	"context"
	"strconv"

	"quire/internal/commenting"
	"quire/internal/config"
	"quire/internal/fetch"
	"quire/internal/jobs"
	"quire/internal/moderation"
	"quire/internal/store"
)

// linkbackDeps builds what the linkback workers need from the
// configuration: the one SSRF-guarded client (QUIRE_FETCH_ALLOW_CIDRS lets
// listed ranges through, for tests and local peers; QUIRE_FETCH_ALLOW_PORTS
// and a QUIRE_BASE_URL port
// other than 80/443 is allowed so peers on such ports can be reached),
// QUIRE_SEND_LINKBACKS, and the moderation rules.
func linkbackDeps(cfg config.Config, st *store.Store) jobs.LinkbackDeps {
	ports := append([]int(nil), cfg.FetchPorts...)
	if p, err := strconv.Atoi(cfg.BaseURL.Port()); err == nil && p != 80 && p != 443 {
		ports = append(ports, p)
	}
	client := fetch.New(fetch.Config{
		AllowCIDRs: cfg.FetchAllowCIDR,
		AllowPorts: ports,
		UserAgent:  "Quire/1.0 (+" + cfg.BaseURL.String() + ")",
	})
	discussion := &commenting.Service{Store: st} // the queue comes before app.New, which takes it
	rules := func(ctx context.Context) (moderation.Settings, error) {
		s, err := discussion.StoredSettings(ctx)
		if err != nil {
			return moderation.Settings{}, err
		}
		return s.Rules()
	}
	return jobs.LinkbackDeps{Fetch: client, Send: cfg.SendLinkbacks, Rules: rules}
}
