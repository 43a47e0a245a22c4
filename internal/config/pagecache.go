package config

import (
	"fmt"
	"strconv"
	"time"
)

// PageCache sizes the full-page cache for anonymous readers
// (internal/pagecache).
type PageCache struct {
	// MaxBytes (QUIRE_PAGE_CACHE_MB, in bytes): the memory its entries may
	// take, compressed copies included; 0 turns the cache off.
	MaxBytes uint64
	// TTL (QUIRE_PAGE_CACHE_TTL): how long an entry is fresh; pages say
	// "5 minutes ago" and close comments by date, which no write announces.
	// Past it, one reader rebuilds the page while the others are served the
	// old one, for a grace of at most 30 s (pagecache.Stale).
	TTL time.Duration
	// Sections (QUIRE_COMMENT_CACHE_MB, in bytes): the memory the post
	// pages' whole comment lists may take (server/comment_section.go),
	// kept for every reader until their thread changes; 0 turns it off.
	Sections uint64
}

// parsePageCache reads the PageCache settings.
func parsePageCache(c *Config, get func(string) string) []error {
	var errs []error
	mb, err := strconv.ParseUint(get("QUIRE_PAGE_CACHE_MB"), 10, 64)
	if err != nil || mb > 16384 {
		errs = append(errs, fmt.Errorf("QUIRE_PAGE_CACHE_MB: %q is not a whole number of megabytes from 0 (off) to 16384", get("QUIRE_PAGE_CACHE_MB")))
	}
	c.PageCache.MaxBytes = mb << 20
	d, err := time.ParseDuration(get("QUIRE_PAGE_CACHE_TTL"))
	if err != nil || d < time.Second || d > 24*time.Hour {
		errs = append(errs, fmt.Errorf("QUIRE_PAGE_CACHE_TTL: %q is not a duration from 1s to 24h (e.g. 1m)", get("QUIRE_PAGE_CACHE_TTL")))
	}
	c.PageCache.TTL = d
	smb, err := strconv.ParseUint(get("QUIRE_COMMENT_CACHE_MB"), 10, 64)
	if err != nil || smb > 16384 {
		errs = append(errs, fmt.Errorf("QUIRE_COMMENT_CACHE_MB: %q is not a whole number of megabytes from 0 (off) to 16384", get("QUIRE_COMMENT_CACHE_MB")))
	}
	c.PageCache.Sections = smb << 20
	return errs
}
