// Package config holds Quire's one configuration struct. Every field is read
// from an environment variable and may be overridden by a flag of the same
// meaning; Load validates the result so a bad value stops the start with a
// message naming the variable.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Config is everything Quire reads from its environment and flags.
type Config struct {
	DatabaseURL    string         // DATABASE_URL; empty: the embedded PostgreSQL under DataDir
	Addr           string         // QUIRE_ADDR; listen address
	BaseURL        *url.URL       // QUIRE_BASE_URL; public URL of the blog
	DataDir        string         // QUIRE_DATA_DIR; embedded database and other files
	SMTPURL        string         // QUIRE_SMTP_URL; empty: the local outbox
	FetchAllowCIDR []netip.Prefix // QUIRE_FETCH_ALLOW_CIDRS; ranges linkback fetches may reach although private
	FetchPorts     []int          // QUIRE_FETCH_ALLOW_PORTS; ports besides 80 and 443 linkback fetches may use
	TrustedProxies []netip.Prefix // QUIRE_TRUSTED_PROXIES; whose X-Forwarded-For is believed
	SendLinkbacks  bool           // QUIRE_SEND_LINKBACKS; false stops outgoing pingbacks and webmentions
	LogLevel       string         // QUIRE_LOG_LEVEL; debug, info, warn, error
	LogFormat      string         // QUIRE_LOG_FORMAT; auto (text on a terminal, else JSON), text or json

	MediaMaxBytes  int64   // QUIRE_MEDIA_MAX_MB, in bytes; the largest image file an upload may be
	MediaMaxPixels int64   // QUIRE_MEDIA_MAX_MEGAPIXELS, in pixels; checked from the header before decoding
	MediaStore     string  // QUIRE_MEDIA_STORE; "local" (QUIRE_DATA_DIR/media) or "s3"
	S3             S3Media // QUIRE_S3_*; the bucket when MediaStore is "s3"

	ImportMaxBytes int64 // QUIRE_IMPORT_MAX_MB, in bytes; the largest WXR file the admin upload takes

	Cluster Cluster // several nodes: jobs rescue, read replica (cluster.go)

	PageCache           PageCache // the full-page cache for anonymous readers (pagecache.go)
	NewsletterPerMinute int       // QUIRE_NEWSLETTER_PER_MINUTE; mails a minute for one issue, 0 no cap (docs/NEWSLETTER.md)
	ThemeDir            string    // QUIRE_THEME_DIR; templates and static files overriding the built-in theme, file by file
	GCHeadroom          uint64    // QUIRE_GC_HEADROOM_MB, in bytes; the heap the collector lets grow above the live heap (internal/gcgoal), 0 Go's default
}

// S3Media names the S3-compatible bucket that holds uploaded images.
type S3Media struct {
	Endpoint  string // QUIRE_S3_ENDPOINT; http(s)://host[:port]
	Bucket    string // QUIRE_S3_BUCKET
	Region    string // QUIRE_S3_REGION
	AccessKey string // QUIRE_S3_ACCESS_KEY
	SecretKey string // QUIRE_S3_SECRET_KEY
	PublicURL string // QUIRE_S3_PUBLIC_URL; empty serves the files through Quire
}

// Secure reports whether cookies must carry the Secure attribute.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// setting describes one variable: its env name, flag name, default and help.
type setting struct {
	env, flag, def, help string
}

var settings = []setting{
	{"DATABASE_URL", "database-url", "", "PostgreSQL URL; empty runs the embedded PostgreSQL under the data dir"},
	{"QUIRE_ADDR", "addr", ":8080", "listen address"},
	{"QUIRE_BASE_URL", "base-url", "http://localhost:8080", "public URL of the blog"},
	{"QUIRE_DATA_DIR", "data-dir", "./data", "folder for the embedded database and other files"},
	{"QUIRE_SMTP_URL", "smtp-url", "", "smtp://user:pass@host:port; empty writes mail to the local outbox"},
	{"QUIRE_FETCH_ALLOW_CIDRS", "fetch-allow-cidrs", "", "comma-separated CIDRs linkback fetches may reach although private (tests only)"},
	{"QUIRE_FETCH_ALLOW_PORTS", "fetch-allow-ports", "", "comma-separated ports besides 80 and 443 that linkback fetches may use (local peers)"},
	{"QUIRE_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated CIDRs whose X-Forwarded-For is believed"},
	{"QUIRE_SEND_LINKBACKS", "send-linkbacks", "true", "send pingbacks and webmentions for published posts"},
	{"QUIRE_LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"QUIRE_LOG_FORMAT", "log-format", "auto", "auto (readable text on a terminal, JSON otherwise), text or json"},
	{"QUIRE_MEDIA_MAX_MB", "media-max-mb", "10", "largest image upload, in megabytes"},
	{"QUIRE_MEDIA_MAX_MEGAPIXELS", "media-max-megapixels", "50", "largest image upload, in megapixels (width × height)"},
	{"QUIRE_MEDIA_STORE", "media-store", "local", "where uploaded images are kept: local (the data dir) or s3"},
	{"QUIRE_S3_ENDPOINT", "s3-endpoint", "", "S3-compatible endpoint for images, http(s)://host[:port]"},
	{"QUIRE_S3_BUCKET", "s3-bucket", "", "S3 bucket for images (it must exist)"},
	{"QUIRE_S3_REGION", "s3-region", "us-east-1", "S3 region"},
	{"QUIRE_S3_ACCESS_KEY", "s3-access-key", "", "S3 access key id"},
	{"QUIRE_S3_SECRET_KEY", "s3-secret-key", "", "S3 secret key"},
	{"QUIRE_IMPORT_MAX_MB", "import-max-mb", "256", "largest WordPress (WXR) file the admin import page takes, in megabytes"},
	{"DATABASE_REPLICA_URL", "database-replica-url", "", "PostgreSQL URL of a streaming replica for anonymous page reads; empty: all reads on DATABASE_URL"},
	{"QUIRE_REPLICA_MAX_LAG", "replica-max-lag", "5s", "reads go back to the primary while the replica lags more than this"},
	{"QUIRE_JOBS_RESCUE_AFTER", "jobs-rescue-after", "2m", "how long a job may run before another node retries it (its node died)"},
	{"QUIRE_PAGE_CACHE_MB", "page-cache-mb", "64", "memory for the full-page cache of anonymous readers' pages, in megabytes; 0 turns it off"},
	{"QUIRE_PAGE_CACHE_TTL", "page-cache-ttl", "1m", "how long a cached page is fresh; one reader then rebuilds it while others get the old one (at most 30s more); changes drop it at once on every node"},
	{"QUIRE_COMMENT_CACHE_MB", "comment-cache-mb", "24", "memory for the post pages' rendered comment lists (every reader, signed in or not), in megabytes; 0 turns it off"},
	{"QUIRE_NEWSLETTER_PER_MINUTE", "newsletter-per-minute", "600", "newsletter mails sent a minute for one issue (one node sends it at a time); 0 means no cap"},
	{"QUIRE_S3_PUBLIC_URL", "s3-public-url", "", "public base URL of the bucket's files (a CDN); empty serves them through Quire"},
	{"QUIRE_GC_HEADROOM_MB", "gc-headroom-mb", "48", "garbage the heap may gather above what is live before a collection, in megabytes (at least Go's GOGC=100); 0, or GOGC set, leaves Go's pacing"},
	{"QUIRE_THEME_DIR", "theme-dir", "", "folder of templates and static files overriding the built-in theme file by file (docs/THEMES.md)"},
}

// Variables lists the environment variables Config reads, for help texts.
func Variables() [][3]string {
	out := make([][3]string, len(settings))
	for i, s := range settings {
		out[i] = [3]string{s.env, s.def, s.help}
	}
	return out
}

// Load builds a Config from args (flags, without the program name) and getenv.
// Flags win over the environment, which wins over defaults. The returned
// FlagSet's remaining arguments are in rest.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		// The flag's printed default is the built-in one, never the
		// environment's value: that may hold a password (DATABASE_URL,
		// QUIRE_SMTP_URL, QUIRE_S3_SECRET_KEY) and --help must not show it.
		p := fs.String(s.flag, s.def, s.help+" ($"+s.env+")")
		if e := getenv(s.env); e != "" {
			*p = e
		}
		vals[s.env] = p
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	c, err := parse(func(env string) string { return *vals[env] })
	return c, fs.Args(), err
}

func parse(get func(string) string) (Config, error) {
	var c Config
	var errs []error
	c.DatabaseURL = strings.TrimSpace(get("DATABASE_URL"))
	c.Addr = get("QUIRE_ADDR")
	c.ThemeDir = strings.TrimSpace(get("QUIRE_THEME_DIR"))
	if c.Addr == "" {
		errs = append(errs, errors.New("QUIRE_ADDR: must not be empty"))
	}
	u, err := url.Parse(strings.TrimRight(get("QUIRE_BASE_URL"), "/"))
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("QUIRE_BASE_URL: %v", err))
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		errs = append(errs, fmt.Errorf("QUIRE_BASE_URL: %q is not an absolute http(s) URL", get("QUIRE_BASE_URL")))
	default:
		c.BaseURL = u
	}
	c.DataDir = get("QUIRE_DATA_DIR")
	if c.DataDir == "" {
		errs = append(errs, errors.New("QUIRE_DATA_DIR: must not be empty"))
	}
	c.SMTPURL = get("QUIRE_SMTP_URL")
	if c.SMTPURL != "" {
		if su, err := url.Parse(c.SMTPURL); err != nil || (su.Scheme != "smtp" && su.Scheme != "smtps") || su.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_SMTP_URL: want smtp://user:pass@host:port or smtps://…"))
		}
	}
	if c.FetchAllowCIDR, err = parseCIDRs(get("QUIRE_FETCH_ALLOW_CIDRS")); err != nil {
		errs = append(errs, fmt.Errorf("QUIRE_FETCH_ALLOW_CIDRS: %v", err))
	}
	if c.FetchPorts, err = parsePorts(get("QUIRE_FETCH_ALLOW_PORTS")); err != nil {
		errs = append(errs, fmt.Errorf("QUIRE_FETCH_ALLOW_PORTS: %v", err))
	}
	if c.TrustedProxies, err = parseCIDRs(get("QUIRE_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, fmt.Errorf("QUIRE_TRUSTED_PROXIES: %v", err))
	}
	if c.SendLinkbacks, err = strconv.ParseBool(get("QUIRE_SEND_LINKBACKS")); err != nil {
		errs = append(errs, fmt.Errorf("QUIRE_SEND_LINKBACKS: %q is not true or false", get("QUIRE_SEND_LINKBACKS")))
	}
	c.LogLevel = strings.ToLower(get("QUIRE_LOG_LEVEL"))
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("QUIRE_LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel))
	}
	c.LogFormat = strings.ToLower(get("QUIRE_LOG_FORMAT"))
	if c.LogFormat != "auto" && c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("QUIRE_LOG_FORMAT: %q is not auto, text or json", c.LogFormat))
	}
	errs = append(errs, parseMedia(&c, get)...)
	errs = append(errs, parseCluster(&c, get)...)
	errs = append(errs, parsePageCache(&c, get)...)
	if mb, err := strconv.ParseInt(get("QUIRE_IMPORT_MAX_MB"), 10, 64); err != nil || mb < 1 || mb > 4096 { // Import
		errs = append(errs, fmt.Errorf("QUIRE_IMPORT_MAX_MB: %q is not a whole number of megabytes from 1 to 4096", get("QUIRE_IMPORT_MAX_MB")))
	} else {
		c.ImportMaxBytes = mb << 20
	}
	if mb, err := strconv.ParseUint(get("QUIRE_GC_HEADROOM_MB"), 10, 64); err != nil || mb > 16384 {
		errs = append(errs, fmt.Errorf("QUIRE_GC_HEADROOM_MB: %q is not a whole number of megabytes from 0 (Go's default) to 16384", get("QUIRE_GC_HEADROOM_MB")))
	} else {
		c.GCHeadroom = mb << 20
	}
	if n, err := strconv.Atoi(get("QUIRE_NEWSLETTER_PER_MINUTE")); err != nil || n < 0 || n > 1000000 { // Newsletter
		errs = append(errs, fmt.Errorf("QUIRE_NEWSLETTER_PER_MINUTE: %q is not a whole number from 0 to 1000000", get("QUIRE_NEWSLETTER_PER_MINUTE")))
	} else {
		c.NewsletterPerMinute = n
	}
	return c, errors.Join(errs...)
}

// parseMedia reads the upload limits and the image store.
func parseMedia(c *Config, get func(string) string) []error {
	var errs []error
	mb, err := strconv.ParseInt(get("QUIRE_MEDIA_MAX_MB"), 10, 64)
	if err != nil || mb < 1 || mb > 1024 {
		errs = append(errs, fmt.Errorf("QUIRE_MEDIA_MAX_MB: %q is not a whole number of megabytes from 1 to 1024", get("QUIRE_MEDIA_MAX_MB")))
	}
	c.MediaMaxBytes = mb << 20
	mp, err := strconv.ParseInt(get("QUIRE_MEDIA_MAX_MEGAPIXELS"), 10, 64)
	if err != nil || mp < 1 || mp > 500 {
		errs = append(errs, fmt.Errorf("QUIRE_MEDIA_MAX_MEGAPIXELS: %q is not a whole number from 1 to 500", get("QUIRE_MEDIA_MAX_MEGAPIXELS")))
	}
	c.MediaMaxPixels = mp * 1_000_000
	c.MediaStore = strings.ToLower(get("QUIRE_MEDIA_STORE"))
	c.S3 = S3Media{
		Endpoint: strings.TrimRight(get("QUIRE_S3_ENDPOINT"), "/"), Bucket: get("QUIRE_S3_BUCKET"), Region: get("QUIRE_S3_REGION"),
		AccessKey: get("QUIRE_S3_ACCESS_KEY"), SecretKey: get("QUIRE_S3_SECRET_KEY"), PublicURL: strings.TrimRight(get("QUIRE_S3_PUBLIC_URL"), "/"),
	}
	switch c.MediaStore {
	case "local":
	case "s3":
		if u, err := url.Parse(c.S3.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_S3_ENDPOINT: %q is not http(s)://host[:port] (needed with QUIRE_MEDIA_STORE=s3)", c.S3.Endpoint))
		}
		for _, v := range [][2]string{{"QUIRE_S3_BUCKET", c.S3.Bucket}, {"QUIRE_S3_ACCESS_KEY", c.S3.AccessKey}, {"QUIRE_S3_SECRET_KEY", c.S3.SecretKey}} {
			if v[1] == "" {
				errs = append(errs, fmt.Errorf("%s: must be set when QUIRE_MEDIA_STORE=s3", v[0]))
			}
		}
	default:
		errs = append(errs, fmt.Errorf("QUIRE_MEDIA_STORE: %q is not local or s3", c.MediaStore))
	}
	if c.S3.PublicURL != "" {
		if u, err := url.Parse(c.S3.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("QUIRE_S3_PUBLIC_URL: %q is not an absolute http(s) URL", c.S3.PublicURL))
		}
	}
	return errs
}

// parseCIDRs reads a comma-separated list of CIDRs or single addresses.
func parseCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// parsePorts reads a comma-separated list of TCP ports.
func parsePorts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("%q is not a port (1–65535)", f)
		}
		out = append(out, p)
	}
	return out, nil
}
