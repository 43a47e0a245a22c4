package server

import (
	"errors"
	"fmt"
	"net/http"

	"quire/internal/linkback"
	"quire/internal/linkbacks"
)

// xmlrpcMethods are the methods /xmlrpc answers (system.listMethods).
var xmlrpcMethods = []string{"pingback.extensions.getPingbacks", "pingback.ping", "system.listMethods"}

// xmlrpc is the Pingback 1.0 endpoint. Every answer is HTTP 200 with a
// methodResponse, as XML-RPC requires; errors are faults. Handlers never
// show internal errors: a database failure is fault 0.
func (s *Server) xmlrpc(w http.ResponseWriter, r *http.Request) {
	call, err := linkback.DecodeMethodCall(r.Body)
	if err != nil {
		writeXML(w, linkback.MarshalFault(linkback.FaultParseError, "The request is not a well-formed XML-RPC methodCall."))
		return
	}
	switch call.Method {
	case "system.listMethods":
		out, _ := linkback.MarshalResponse(xmlrpcMethods)
		writeXML(w, out)
	case "pingback.ping":
		source, ok1 := param(call, 0)
		target, ok2 := param(call, 1)
		if !ok1 || !ok2 || len(call.Params) != 2 {
			writeXML(w, linkback.MarshalFault(linkback.FaultInvalidParams, "pingback.ping takes two strings: the source URI and the target URI."))
			return
		}
		s.pingbackPing(w, r, source, target)
	case "pingback.extensions.getPingbacks":
		target, ok := param(call, 0)
		if !ok || len(call.Params) != 1 {
			writeXML(w, linkback.MarshalFault(linkback.FaultInvalidParams, "pingback.extensions.getPingbacks takes one string: a post's URL."))
			return
		}
		s.getPingbacks(w, r, target)
	default:
		writeXML(w, linkback.MarshalFault(linkback.FaultMethodNotFound, fmt.Sprintf("Method %q is not supported.", call.Method)))
	}
}

func param(c *linkback.MethodCall, i int) (string, bool) {
	if i >= len(c.Params) {
		return "", false
	}
	v, ok := c.Params[i].(string)
	return v, ok
}

// pingbackPing registers a pingback and waits, boundedly, for its
// verification (docs/LINKBACKS.md explains the choice).
func (s *Server) pingbackPing(w http.ResponseWriter, r *http.Request, source, target string) {
	ctx := r.Context()
	l, err := s.linkbacks.Accept(ctx, "pingback", source, target, ClientIP(ctx))
	if err != nil {
		writeXML(w, s.faultOf(r, err))
		return
	}
	state, fault, detail := s.linkbacks.Await(ctx, l)
	if state == "failed" {
		writeXML(w, linkback.MarshalFault(fault, detail))
		return
	}
	msg := fmt.Sprintf("Pingback from %s to %s registered. Keep the web talking! :-)", l.SourceURL, l.TargetURL)
	if state == "pending" {
		msg = fmt.Sprintf("Pingback from %s to %s received; it will be verified shortly.", l.SourceURL, l.TargetURL)
	}
	out, _ := linkback.MarshalResponse(msg)
	writeXML(w, out)
}

// getPingbacks lists the approved pingbacks' source URLs of a post.
func (s *Server) getPingbacks(w http.ResponseWriter, r *http.Request, target string) {
	urls, err := s.linkbacks.ApprovedPingbacks(r.Context(), target)
	if err != nil {
		writeXML(w, s.faultOf(r, err))
		return
	}
	out, _ := linkback.MarshalResponse(urls)
	writeXML(w, out)
}

// faultOf maps an error to a fault: a refusal says why; anything else is
// logged once and answered with the generic fault 0.
func (s *Server) faultOf(r *http.Request, err error) []byte {
	var rf *linkbacks.Refusal
	if errors.As(err, &rf) {
		return linkback.MarshalFault(rf.Fault, rf.Msg)
	}
	s.log.Error("xmlrpc", "err", err, "request_id", requestID(r.Context()))
	return linkback.MarshalFault(linkback.FaultGeneric, "The pingback could not be processed; try again later.")
}

func writeXML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
