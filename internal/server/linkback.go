package server

import (
	"quire/internal/linkbacks"
)

// linkbackLimits are the abuse limits of /xmlrpc and /webmention. Tests
// change them on the Server; the workflow reads them per request.
type linkbackLimits = linkbacks.Limits
