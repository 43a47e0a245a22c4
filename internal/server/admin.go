package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"quire/internal/account"
	"quire/internal/accounts"
	"quire/internal/apperr"
)

// AdminLink is one thing the signed-in user may do, on the landing page.
type AdminLink struct {
	Href, Label, Help string
}

// adminLinks lists the admin areas in order with the action each needs.
// The most used come first. An area whose use differs by role says so:
// to someone who may not do narrow (on their own things), its help reads
// narrowHelp.
var adminLinks = []struct {
	action     account.Action
	link       AdminLink
	narrow     account.Action
	narrowHelp string
}{
	{account.CreatePost, AdminLink{"/admin/posts", "Posts", "Write, schedule and publish; review what waits."}, // Publishing
		account.PublishPost, "Write drafts and send them to an editor for review."}, // a contributor writes; an editor publishes
	{account.ManagePages, AdminLink{"/admin/pages", "Pages", "About, Contact and other pages at the root of the site; the navigation."}, "", ""}, // Pages
	{account.EditPost, AdminLink{"/admin/tags", "Tags and categories", "Rename, merge or delete what posts are filed under."}, "", ""},
	{account.UploadMedia, AdminLink{"/admin/media", "Media", "Upload images, write their alt text, copy them into posts."}, "", ""},
	{account.Moderate, AdminLink{"/admin/moderation", "Moderation", "Held comments, pingbacks, webmentions and guest posts, in one list; spam and trash."},
		account.ReviewGuestPosts, "Held comments, pingbacks and webmentions, in one list; spam and trash."}, // guest posts are editors'
	{account.ReviewGuestPosts, AdminLink{"/admin/guest-posts", "Guest posts", "Review submissions from \"Write for us\"; accept, schedule or decline."}, "", ""}, // Guest posts
	{account.EditOwnProfile, AdminLink{"/admin/profile", "Profile", "Your author page: name, bio, location, links."}, // Publishing
		account.CreatePost, "Your name, picture and website beside your comments; your password and sign-in."}, // members and moderators have no author page
	{account.ManageSettings, AdminLink{"/admin/settings", "Site settings", "Title, tagline, time zone, date format, posts per page, logo, footer."}, "", ""},
	{account.ManageSettings, AdminLink{"/admin/themes", "Themes", "Upload a theme as a zip, check it, make it the blog's look."}, "", ""},
	{account.ManageBlocklist, AdminLink{"/admin/discussion", "Discussion settings", "Comment rules, blocklist, threading, sign-up."}, "", ""},
	{account.ManageUsers, AdminLink{"/admin/users", "Users", "Create accounts, change roles, disable sign-in."}, "", ""},
	{account.ManageUsers, AdminLink{"/admin/invite", "Invite someone", "Mail a sign-up link: a member, a writer, an editor or a moderator."}, "", ""},
	{account.ManageUsers, AdminLink{"/admin/privacy", "Personal data", "What the blog keeps about an e-mail address: download it, or erase it."}, "", ""},
	{manageSubscribers, AdminLink{"/admin/subscribers", "Subscribers", "Who follows the blog by e-mail; import, export, the mailings' delivery."}, "", ""}, // Newsletter
	{account.ImportExport, AdminLink{"/admin/import", "Import and export", "Move a blog in from WordPress, or download everything as WXR."}, "", ""},       // Import
	{account.ReadOutbox, AdminLink{"/admin/outbox", "Outbox", "Mail Quire would have sent, when no SMTP server is set."}, "", ""},
	{account.ViewAudit, AdminLink{"/admin/audit", "Audit log", "Who did what, and when."}, "", ""},
}

// adminNav lists the admin areas u may use, for the admin layout's menu.
func adminNav(u *account.User) []AdminLink {
	var out []AdminLink
	for _, l := range adminLinks {
		if account.Can(u, l.action, account.Site) {
			if l.narrow != "" && !account.Can(u, l.narrow, account.Owned(u.ID)) {
				l.link.Help = l.narrowHelp
			}
			out = append(out, l.link)
		}
	}
	return out
}

type usersPage struct {
	Page
	Users  []*account.User
	Roles  []account.Role
	Form   newUserForm
	Errors map[string]string
}

type newUserForm struct {
	Username, Email, DisplayName string
	Role                         account.Role
}

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, newUserForm{Role: account.Author}, nil)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, f newUserForm, errs map[string]string) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	users, err := s.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	p := usersPage{Page: s.page(r, "Users"), Users: users, Roles: account.Roles, Form: f, Errors: errs}
	p.NoIndex = true
	return s.render(w, r, status, "users", p)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	f := newUserForm{
		Username:    strings.TrimSpace(r.PostForm.Get("username")),
		Email:       strings.TrimSpace(r.PostForm.Get("email")),
		DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Role:        account.Role(r.PostForm.Get("role")),
	}
	u, err := s.accounts.CreateUser(r.Context(), userFrom(r.Context()), accounts.NewUser{Username: f.Username, Email: f.Email,
		DisplayName: f.DisplayName, Role: f.Role, Password: r.PostForm.Get("password")})
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.Conflict) {
		return s.renderUsers(w, r, apperr.HTTPStatus(e.Code), f, e.Fields)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Created "+u.Username+".")
	redirect(w, r, "/admin/users")
	return nil
}

// userUpdate changes a user's role or disables/enables them. The last
// enabled admin cannot be demoted or disabled, so the site keeps an owner.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := can(r, account.ManageUsers, account.Site); err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read.")
	}
	err = s.accounts.UpdateUser(r.Context(), userFrom(r.Context()), id, account.Role(r.PostForm.Get("role")), r.PostForm.Get("disabled"))
	if err != nil {
		return err
	}
	s.setFlash(w, r, "Saved.")
	redirect(w, r, "/admin/users")
	return nil
}
