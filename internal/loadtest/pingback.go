package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"quire/internal/linkback"
	"quire/internal/store"
)

// SourceNet is where the pingback sources listen: 127.1.0.0/16, loopback
// but away from 127.0.0.1 where the server and PostgreSQL are, so the
// bench lets the server's fetcher reach exactly this range
// (QUIRE_FETCH_ALLOW_CIDRS) and not itself.
var SourceNet = netip.MustParsePrefix("127.1.0.0/16")

// MaxSources bounds how many source sites Sources starts.
const MaxSources = 10_000

// Sources are N other blogs, each its own host (127.1.x.y) on one shared
// port, each serving one page that links to Target: the senders of a
// pingback flood. Distinct hosts matter: the server limits pingbacks
// naming one source host (30 in 10 minutes) and fetches at most two pages
// at once from one host.
type Sources struct {
	Port   int
	Target string
	hosts  []netip.Addr
	srv    *http.Server
	wg     sync.WaitGroup
}

// StartSources starts n source sites linking to target.
func StartSources(n int, target string) (*Sources, error) {
	if n < 1 || n > MaxSources {
		return nil, fmt.Errorf("sources must be 1..%d", MaxSources)
	}
	var lastErr error
	for range 5 { // another process may hold the port on one of the addresses
		s, err := startSources(n, target)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startSources(n int, target string) (*Sources, error) {
	s := &Sources{Target: target}
	s.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(s.page)}
	var lns []net.Listener
	fail := func(err error) (*Sources, error) {
		for _, ln := range lns {
			ln.Close()
		}
		return nil, err
	}
	for i := range n {
		ip := sourceIP(i)
		ln, err := net.Listen("tcp", netip.AddrPortFrom(ip, uint16(s.Port)).String())
		if err != nil {
			return fail(err)
		}
		if i == 0 {
			s.Port = ln.Addr().(*net.TCPAddr).Port
		}
		lns = append(lns, ln)
		s.hosts = append(s.hosts, ip)
	}
	for _, ln := range lns {
		s.wg.Go(func() { _ = s.srv.Serve(ln) })
	}
	return s, nil
}

// sourceIP is the i-th source's address: 127.1.0.1, 127.1.0.2, …
func sourceIP(i int) netip.Addr {
	v := i + 1
	return netip.AddrFrom4([4]byte{127, 1, byte(v >> 8), byte(v)})
}

// URL is page n of source i (each a reply linking to Target: a source
// pings once per page, so a later round of pings uses the next page).
func (s *Sources) URL(i, n int) string {
	return "http://" + netip.AddrPortFrom(s.hosts[i], uint16(s.Port)).String() + "/posts/reply-" + strconv.Itoa(n)
}

func (s *Sources) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><title>A reply on %[1]s</title></head><body><article class="h-entry">
<h1 class="p-name">A reply on %[1]s</h1><p>I read <a href="%[2]s">this post</a> and have thoughts about it.</p></article></body></html>`,
		html.EscapeString(r.Host), html.EscapeString(s.Target))
}

// Close stops every source.
func (s *Sources) Close() error {
	err := s.srv.Close()
	s.wg.Wait()
	return err
}

// Pings is a pingback load: request seq is pingback.ping(source seq,
// target) to /xmlrpc from its own client address (ClientIP, as for
// Comments), one per source.
type Pings struct {
	Base    string // the server
	Sources *Sources
	Offset  int // first ClientIP used
	Page    int // each source's page pinged (Sources.URL)
}

// Build is Load.Build for p.
func (p Pings) Build(ctx context.Context, seq int) (*http.Request, error) {
	if seq >= len(p.Sources.hosts) {
		return nil, errors.New("more pings than sources")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Base+"/xmlrpc",
		bytes.NewReader(linkback.MarshalPingbackPing(p.Sources.URL(seq, p.Page), p.Sources.Target)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("X-Forwarded-For", ClientIP(p.Offset+seq).String())
	return req, nil
}

// Check is Load.Check for p: an XML-RPC success. The call is accepted
// when it is answered (at once under a flood; verification follows in
// the linkback queue).
func (Pings) Check(resp *http.Response, body []byte) error {
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	_, err := linkback.DecodeResponse(body)
	return err
}

// LinkbackStates counts post's incoming linkback requests by state
// (pending, verifying, then the outcome).
func LinkbackStates(ctx context.Context, st *store.Store, postID int64) (map[string]int, error) {
	rows, err := st.Pool.Query(ctx, `SELECT state, count(*) FROM linkbacks_in WHERE post_id = $1 GROUP BY state`, postID)
	return countsOf(rows, err)
}

// AwaitVerified polls until none of post's linkback requests is pending
// or verifying, or until limit; it returns the states and the time taken.
func AwaitVerified(ctx context.Context, st *store.Store, postID int64, limit time.Duration) (map[string]int, time.Duration, error) {
	start := time.Now()
	for {
		states, err := LinkbackStates(ctx, st, postID)
		if err != nil || states["pending"]+states["verifying"] == 0 || time.Since(start) > limit {
			return states, time.Since(start), err
		}
		select {
		case <-ctx.Done():
			return states, time.Since(start), ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FormatStates prints counts by state as "verified 998, failed 2", in
// the order a linkback goes through them, then any other in name order.
func FormatStates(m map[string]int) string {
	order := []string{"verified", "failed", "deleted", "pending", "verifying", "held", "approved", "spam"}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	var parts []string
	for _, k := range order {
		if m[k] > 0 {
			parts = append(parts, k+" "+strconv.Itoa(m[k]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
