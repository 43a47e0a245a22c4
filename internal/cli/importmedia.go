package cli

import (
	"log/slog"
	"path/filepath"
	"time"

	"quire/internal/config"
	"quire/internal/fetch"
	"quire/internal/media"
	"quire/internal/media/library"
	"quire/internal/store"
	"quire/internal/wxrimport"
)

// importFetchTimeout bounds one image download: a 10 MB photo from an
// old shared host takes longer than the 5 seconds a linkback check gets.
const importFetchTimeout = 60 * time.Second

// importMedia builds what `quire import wxr --fetch-media` and the import
// job need: the one SSRF-guarded client, configured like the linkback one
// (QUIRE_FETCH_ALLOW_CIDRS, QUIRE_FETCH_ALLOW_PORTS) but reading up to the
// upload size limit, and a media library over the same Storage and limits
// as the server's (files nil: QUIRE_DATA_DIR/media), so a copied image is
// checked and stored exactly like an upload.
func importMedia(cfg config.Config, st *store.Store, files media.Storage, log *slog.Logger) (*wxrimport.Media, error) {
	if files == nil {
		local, err := media.NewLocal(filepath.Join(cfg.DataDir, "media"))
		if err != nil {
			return nil, err
		}
		files = local
	}
	lim := media.DefaultLimits
	if cfg.MediaMaxBytes > 0 {
		lim.MaxBytes = cfg.MediaMaxBytes
	}
	if cfg.MediaMaxPixels > 0 {
		lim.MaxPixels = cfg.MediaMaxPixels
	}
	client := fetch.New(fetch.Config{
		AllowCIDRs: cfg.FetchAllowCIDR,
		AllowPorts: cfg.FetchPorts,
		UserAgent:  "Quire/1.0 (+" + cfg.BaseURL.String() + ")",
		MaxBody:    lim.MaxBytes,
		Timeout:    importFetchTimeout,
	})
	// One decoding slot: an import resizes one image at a time, beside
	// (not instead of) the uploads of people at the editor; and it may
	// wait its turn long, since nobody waits at a browser for it.
	lib := library.New(st, files, log, library.Options{Limits: lim, Concurrency: 1, Wait: 10 * time.Minute})
	return &wxrimport.Media{Fetch: client, Library: lib}, nil
}
