// Package fetch is the only outbound HTTP client in Quire.
//
// Every request Quire makes on behalf of someone else — verifying a pingback
// or Webmention source, discovering an endpoint, sending a linkback — goes
// through this package, because the URL is chosen by a stranger. The threat
// model, taken from two decades of pingback abuse (see
// shared/reference/anchors.md §2.2):
//
//   - Server-side request forgery and port scanning (WordPress
//     CVE-2013-0235): a stranger makes us connect to 127.0.0.1, the
//     intranet, a router or the cloud metadata service at 169.254.169.254.
//     Every address is checked against a deny list of loopback, private,
//     CGNAT, link-local, multicast, reserved, documentation, NAT64, 6to4 and
//     IPv4-mapped ranges (IPv6 addresses are unmapped first).
//   - DNS rebinding / TOCTOU (WordPress CVE-2022-3590): WordPress resolved
//     and checked a host, then let its HTTP client resolve it again. Here the
//     name is resolved once, inside the dialer, and the address is checked in
//     net.Dialer.Control on the very socket about to connect, on every
//     redirect hop. Control runs after socket(2) and before connect(2), so a
//     refused address never sees a packet.
//   - Obfuscated addresses (decimal 2130706433, hex 0x7f.0.0.1, octal
//     0177.0.0.1, IDNA digits ①②⑦.0.0.①): literal hosts are normalised and
//     checked before dialling, numeric-looking host names that are not a
//     plain dotted quad are refused outright, and whatever slips through
//     still meets the dial-time check.
//   - Resource exhaustion and reflection DDoS (pingback DoS 2007, the 2014
//     reflection attacks): bodies, decoded gzip included, are capped; each
//     Do has a total deadline covering all redirects and the body; redirects
//     are limited; concurrency is capped per destination host and globally.
//     The User-Agent honestly names the purpose and the requester so that a
//     victim can tell who aimed Quire at them and block it.
//   - Ambient authority: no proxy from the environment, no cookie jar, no
//     userinfo in URLs, only http and https, only ports 80 and 443 unless
//     configured.
//
// Errors are ErrBlocked (the guard refused the destination) or
// ErrUnreachable (anything else). The distinction exists for Quire's own logs
// only: anything answering the outside world (pingback fault codes, Webmention
// statuses) must treat both alike, otherwise the answer tells a stranger
// which internal hosts and ports exist — the port-scanning oracle of
// CVE-2013-0235.
package fetch
