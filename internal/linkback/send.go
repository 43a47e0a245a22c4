package linkback

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// SendPingback calls pingback.ping(source, target) at endpoint. It returns
// (0, nil) on success. When the server answers with a fault the error is a
// *Fault and faultCode is its code; since 0 is itself a fault code, callers
// must look at err, never at faultCode alone, to tell success from failure.
// Other errors (transport, HTTP status, malformed reply) return faultCode 0.
func SendPingback(ctx context.Context, g Getter, endpoint, source, target string) (faultCode int, err error) {
	resp, err := g.Post(ctx, endpoint, "text/xml", MarshalPingbackPing(source, target))
	if err != nil {
		return 0, err
	}
	if resp.Status != 200 {
		// XML-RPC answers faults with 200 too; anything else is HTTP-level.
		return 0, fmt.Errorf("linkback: pingback endpoint answered HTTP %d", resp.Status)
	}
	if _, err := DecodeResponse(resp.Body); err != nil {
		var f *Fault
		if errors.As(err, &f) {
			return f.Code, f
		}
		return 0, err
	}
	return 0, nil
}

// SendWebmention posts the form-encoded source and target to endpoint,
// keeping any query string in the endpoint URL as the spec requires. Any 2xx
// is success; location is the Location header resolved against the
// endpoint (a 201 carries the status page there). A non-2xx answer returns
// its status with an error.
func SendWebmention(ctx context.Context, g Getter, endpoint, source, target string) (status int, location string, err error) {
	form := url.Values{"source": {source}, "target": {target}}
	resp, err := g.Post(ctx, endpoint, "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	if loc := header(resp, "Location"); loc != "" {
		base := resp.URL
		if base == nil {
			base, _ = url.Parse(endpoint)
		}
		if u, ok := resolveHTTP(base, loc); ok {
			location = u.String()
		}
	}
	if resp.Status < 200 || resp.Status > 299 {
		return resp.Status, location, fmt.Errorf("linkback: webmention endpoint answered HTTP %d", resp.Status)
	}
	return resp.Status, location, nil
}
