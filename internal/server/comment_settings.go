package server

import (
	"net/http"
	"strconv"
	"strings"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/comment"
	"quire/internal/commenting"
)

// discussionPage is the settings form for comments and moderation.
type discussionPage struct {
	Page
	S      commenting.Settings
	Errors map[string]string
	Admin  bool // may change the site-wide switches (sign-up, auto-close, e-mail optional)
}

func (s *Server) discussionForm(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageBlocklist, account.Site); err != nil {
		return err
	}
	st, err := s.comments.StoredSettings(r.Context())
	if err != nil {
		return err
	}
	p := discussionPage{Page: s.page(r, "Discussion settings"), S: st,
		Admin: account.Can(userFrom(r.Context()), account.ManageSettings, account.Site)}
	p.NoIndex = true
	return s.render(w, r, http.StatusOK, "discussion", p)
}

func (s *Server) discussionSave(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageBlocklist, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Classify(err)
	}
	f := r.PostForm
	errs := map[string]string{}
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
		if err != nil {
			errs[name] = "Enter a whole number."
		}
		return n
	}
	st := commenting.Settings{
		MaxLinks: num("max_links"), MinSeconds: num("min_seconds"),
		IPRateCount: num("ip_rate_count"), IPRateMinutes: num("ip_rate_minutes"),
		EmailRateCount: num("email_rate_count"), EmailRateMinutes: num("email_rate_minutes"),
		HoldFirstComment: f.Get("hold_first_comment") != "", HoldLinkbacks: f.Get("hold_linkbacks") != "",
		TrustSites: f.Get("trust_sites") != "",
		Blocklist:  strings.ReplaceAll(f.Get("blocklist"), "\r\n", "\n"), MaxDepth: num("max_depth"),
		NewestFirst: f.Get("order") == "newest", PerPage: num("per_page"), EmailOptional: f.Get("email_optional") != "",
		SignUp: f.Get("sign_up"), SpamDays: num("spam_days"), MaxCommentChars: comment.DefaultMaxBodyRunes,
	}
	if f.Has("max_comment_chars") {
		st.MaxCommentChars = num("max_comment_chars")
	}
	admin := account.Can(userFrom(r.Context()), account.ManageSettings, account.Site)
	if admin {
		st.CloseAfterDays = num("close_after_days")
	}
	// Sign-up and the site-wide switches are the admin's, not a moderator's.
	if !admin {
		old, err := s.comments.StoredSettings(r.Context())
		if err != nil {
			return err
		}
		st.SignUp, st.CloseAfterDays, st.EmailOptional = old.SignUp, old.CloseAfterDays, old.EmailOptional
	}
	var err error
	if len(errs) == 0 {
		err = s.comments.SaveSettings(r.Context(), userFrom(r.Context()).ID, st)
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			errs, err = e.Fields, nil
		}
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		p := discussionPage{Page: s.page(r, "Discussion settings"), S: st, Errors: errs, Admin: admin}
		p.NoIndex = true
		return s.render(w, r, http.StatusBadRequest, "discussion", p)
	}
	s.setFlash(w, r, "Discussion settings saved.")
	redirect(w, r, "/admin/discussion")
	return nil
}
