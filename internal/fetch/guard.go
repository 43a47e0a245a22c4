package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// denyPrefixes lists the ranges never dialled unless Config.AllowCIDRs says
// so. IPv6 is further restricted to global unicast 2000::/3 in publicAddr;
// the IPv6 entries outside it are listed anyway so the list documents intent.
// It is a function, not a package variable, to keep the package free of
// mutable globals.
func denyPrefixes() []netip.Prefix {
	s := []string{
		// IPv4
		"0.0.0.0/8",       // "this network"; 0.0.0.0 reaches localhost on Linux
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // CGNAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.88.99.0/24",  // deprecated 6to4 relay anycast
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, includes 255.255.255.255
		// IPv6
		"::/96",          // unspecified, loopback, deprecated IPv4-compatible
		"::ffff:0:0/96",  // IPv4-mapped (unmapped before checking anyway)
		"64:ff9b::/96",   // NAT64 well-known prefix
		"64:ff9b:1::/48", // NAT64 local-use
		"100::/64",       // discard-only
		"2001::/23",      // IETF assignments: Teredo, benchmarking, ORCHID, AS112
		"2001:db8::/32",  // documentation
		"3fff::/20",      // documentation (RFC 9637)
		"fc00::/7",       // unique local
		"fe80::/10",      // link-local
		"fec0::/10",      // site-local (deprecated)
		"ff00::/8",       // multicast
	}
	out := make([]netip.Prefix, len(s))
	for i, p := range s {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

// IsAllowedAddr reports whether ip may be dialled under the client's Config:
// true for an address in Config.AllowCIDRs or a public unicast address.
// IPv4-mapped IPv6 addresses are unmapped first, and a 6to4 address is judged
// by the IPv4 address it embeds. The unspecified, broadcast and multicast
// addresses are refused even if AllowCIDRs covers them, since they never
// name one intended peer.
func (c *Client) IsAllowedAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap().WithZone("")
	if ip.IsUnspecified() || ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	for _, p := range c.allow {
		if p.Contains(ip) {
			return true
		}
	}
	return c.publicAddr(ip)
}

// publicAddr applies the deny list, without AllowCIDRs.
func (c *Client) publicAddr(ip netip.Addr) bool {
	for _, p := range c.deny {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is4() {
		return true
	}
	// Anything outside global unicast (2000::/3) is reserved, local or
	// translated; refusing it by default beats enumerating it.
	b := ip.As16()
	if b[0]&0xe0 != 0x20 {
		return false
	}
	// 6to4 (2002::/16) tunnels to the IPv4 address in bytes 2..5; a relay
	// would deliver to it, so judge that address instead.
	if b[0] == 0x20 && b[1] == 0x02 {
		return c.publicAddr(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	}
	return true
}

// portAllowed reports whether port is 80, 443 or in Config.AllowPorts.
func (c *Client) portAllowed(port int) bool {
	if port == 80 || port == 443 {
		return true
	}
	for _, p := range c.cfg.AllowPorts {
		if p == port {
			return true
		}
	}
	return false
}

// blocked wraps ErrBlocked with a reason for the logs.
func blocked(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBlocked, fmt.Sprintf(format, args...))
}

// checkURL is the guard run on the first URL and on every redirect hop,
// before anything is dialled: scheme, userinfo, port, and the host when it is
// (or normalises to) an address literal. Host names are judged later, at dial
// time, on the addresses they resolve to.
func (c *Client) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return blocked("scheme %q", u.Scheme)
	}
	if u.User != nil {
		return blocked("userinfo in URL")
	}
	if u.Opaque != "" {
		return blocked("opaque URL")
	}
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return blocked("port %q", p)
		}
		port = n
	}
	if !c.portAllowed(port) {
		return blocked("port %d", port)
	}
	host := u.Hostname()
	if host == "" {
		return blocked("empty host")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !c.IsAllowedAddr(ip) {
			return blocked("address %s", ip)
		}
		return nil
	}
	// Normalise as the transport will (it applies IDNA before dialling), so
	// that ①②⑦.0.0.① is seen as the 127.0.0.1 it becomes.
	if !isASCII(host) {
		a, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return blocked("host %q: %v", host, err)
		}
		host = a
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(host); err == nil {
		if !c.IsAllowedAddr(ip) {
			return blocked("address %s", ip)
		}
		return nil
	}
	// A host ending in a number is an IPv4 address to browsers (WHATWG URL)
	// and to inet_aton in the C resolver, in decimal, octal or hex forms Go
	// does not parse. No real DNS name ends in a number, so refuse rather
	// than guess what some resolver will make of it.
	if endsInNumber(host) {
		return blocked("numeric host %q", host)
	}
	// RFC 6761: localhost names are loopback by definition, .invalid never
	// resolves. Answer both locally instead of asking a resolver.
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return blocked("host %q", host)
	}
	if host == "invalid" || strings.HasSuffix(host, ".invalid") {
		return fmt.Errorf("%w: host %q does not resolve", ErrUnreachable, host)
	}
	return nil
}

func isASCII(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) < 0
}

// endsInNumber implements the WHATWG URL "ends in a number" test: the last
// label is all decimal digits, or 0x followed by hex digits.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if strings.Trim(last, "0123456789") == "" {
		return true
	}
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		return strings.Trim(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return false
}

// control is the net.Dialer.Control hook: the authoritative check, run on
// the address the socket is about to connect to, whatever resolved it.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return blocked("network %q", network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return blocked("unparsable address %q", address)
	}
	if !c.IsAllowedAddr(ap.Addr()) {
		return blocked("address %s", ap.Addr())
	}
	if !c.portAllowed(int(ap.Port())) {
		return blocked("port %d", ap.Port())
	}
	if c.dialCheck != nil {
		return c.dialCheck(ap)
	}
	return nil
}

// dialContext is the transport's only way to open a connection. It resolves
// the host itself (once, here, so no earlier resolution can disagree with
// what is dialled) and tries each address; Control refuses forbidden ones.
func (c *Client) dialContext(ctx context.Context, _, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, blocked("address %q", addr)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, blocked("port %q", portStr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = c.resolve(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("%w: resolve %s: %v", ErrUnreachable, host, err)
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("%w: %s has no address", ErrUnreachable, host)
		}
	}
	const maxTries = 4 // a name with many addresses must not multiply our work
	var firstErr error
	for i, ip := range ips {
		if i == maxTries {
			break
		}
		conn, err := c.dialer.DialContext(ctx, "tcp", netip.AddrPortFrom(ip.Unmap(), uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		// Prefer reporting a connection failure over a refusal: a refused
		// address next to a failing public one is not the interesting part.
		if firstErr == nil || (errors.Is(firstErr, ErrBlocked) && !errors.Is(err, ErrBlocked)) {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// resolve looks host up through Config.Resolve or the system resolver.
func (c *Client) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if c.cfg.Resolve != nil {
		return c.cfg.Resolve(ctx, host)
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
