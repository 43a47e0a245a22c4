package server

import (
	"net/http"
	"net/url"
	"strings"

	"quire/internal/account"
)

// redirect sends a 303 See Other, the right answer to a POSTed form. Every
// redirect Quire makes stays on this site: a target that is not a local
// path (see localPath) becomes the front page, so no caller can turn a
// form or a query parameter into an open redirect by forgetting a check.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if p, ok := localPath(to); ok {
		to = p
	} else {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath reports whether target is a path on this site and returns it.
// Browsers are lenient where Go is strict: they drop tabs and newlines
// anywhere in a URL, read a backslash as a slash and "//host" as another
// host, so a target with control characters, backslashes, a scheme, a host
// or a leading "//" is refused before it is parsed, and again after.
func localPath(target string) (string, bool) {
	if target == "" || target[0] != '/' || strings.HasPrefix(target, "//") || len(target) > 2000 {
		return "", false
	}
	for _, c := range target {
		if c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' {
			return "", false
		}
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return "", false
	}
	return target, true
}

// landing is where a signed-in u goes next: next when it is a local path,
// else the dashboard, or the front page for a member, who has none.
func landing(u *account.User, next string) string {
	if _, ok := localPath(next); !ok && !account.Can(u, account.ViewAdmin, account.Site) {
		return "/" // members have no dashboard: back to reading
	}
	return safeNext(next)
}

// safeNext allows only local paths as a post-sign-in destination, so the
// sign-in form cannot be used as an open redirect.
func safeNext(next string) string {
	if p, ok := localPath(next); ok {
		return p
	}
	return "/admin"
}
