package accounts

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// Member sign-up: closed (admins create accounts), by invitation (an
// admin mails a signed link), or open with e-mail confirmation: the
// sign-up waits outside the users table until the link in the mail is
// followed. Open sign-up is made so that nobody can squat an address or a
// name:
//   - a sign-up waits in pending_signups, not in users, so it holds nothing
//     a real owner needs; it expires after SignupTTL;
//   - a second sign-up for the same address replaces the first, and the
//     link always goes to the address, never to whoever asked;
//   - confirming asks for the password chosen at sign-up, so the owner of
//     an address who clicks a link someone else asked for cannot switch on
//     that someone's account;
//   - the answer is the same whether or not the address has an account
//     (its owner gets a mail saying someone tried).
const (
	purposeSignup = "signup-confirm"
	purposeInvite = "invite"
	SignupTTL     = 48 * time.Hour
	InviteTTL     = 7 * 24 * time.Hour

	signupLimitAddress = 3  // confirmation mails per address per throttle window
	signupLimitIP      = 10 // sign-ups per client address per window
)

// Signup is what someone asking to become a member typed.
type Signup struct {
	Username, Email, DisplayName, Password string
	Role                                   account.Role // an invitation's; "" is Member
	InvitationID                           int64        // the stored invitation it came through, ended by the sign-up
	IP                                     string       // the client's address, for the throttle
	Next                                   string       // a local path the confirmation link returns to, or ""
}

// ErrUsernameTaken refuses an open sign-up whose username another account
// has. Usernames are public (author pages, comments): saying one is taken
// reveals nothing.
var ErrUsernameTaken = apperr.FieldErrors("That username is taken.", map[string]string{"username": "That username is taken."})

// ErrWrongSignupPassword refuses a confirmation with another password than
// the one chosen at sign-up.
var ErrWrongSignupPassword = errors.New("accounts: not the sign-up's password")

// OpenSignup stores a pending sign-up and mails its confirmation link; an
// address that has an account gets a mail saying so instead, and the
// caller the same answer. Errors: apperr.TooMany, ErrUsernameTaken.
func (s *Service) OpenSignup(ctx context.Context, f Signup) error {
	addrKey, ipKey := "signup:"+strings.ToLower(f.Email), "signup-ip:"+f.IP
	for key, limit := range map[string]int{addrKey: signupLimitAddress, ipKey: signupLimitIP} {
		if wait, err := s.WindowWait(ctx, key, limit); err != nil {
			return err
		} else if wait > 0 {
			return apperr.New(apperr.TooMany, "Too many sign-ups. Try again in %s.", WaitWords(wait))
		}
	}
	if err := s.Fail(ctx, addrKey, ipKey); err != nil {
		return err
	}
	byName, err := store.UserByLogin(ctx, s.Store.Pool, f.Username)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	byMail, err := store.UserByLogin(ctx, s.Store.Pool, f.Email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	// Addresses are not public: an existing one gets a mail, and the
	// visitor the same answer as for a new one.
	if byName != nil && (byMail == nil || byMail.ID != byName.ID) {
		return ErrUsernameTaken
	}
	hash, err := account.HashPassword(f.Password)
	if err != nil {
		return err
	}
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if byMail != nil {
			return s.mail(ctx, tx, "signup_exists", byMail.Email, map[string]string{"Name": byMail.Username,
				"SignIn": s.abs("/signin"), "Reset": s.abs("/password/reset")})
		}
		ps := &store.PendingSignup{Username: f.Username, Email: f.Email, DisplayName: strings.ToValidUTF8(f.DisplayName, "\uFFFD"),
			PasswordHash: hash, ExpiresAt: s.now().Add(SignupTTL)}
		if err := store.PutPendingSignup(ctx, tx, ps); err != nil {
			return err
		}
		link := s.abs("/signup/confirm?t=" + s.Key.Sign(purposeSignup, strconv.FormatInt(ps.ID, 10),
			strconv.FormatInt(ps.ExpiresAt.Unix(), 10), strconv.FormatInt(ps.CreatedAt.UnixMicro(), 10)))
		if f.Next != "" { // not signed: the page it names is checked again on the way back
			link += "&next=" + url.QueryEscape(f.Next)
		}
		return s.mail(ctx, tx, "signup_confirm", ps.Email, map[string]string{"Name": f.Username, "URL": link})
	})
}

// InvitedSignup creates the account at once, in the invitation's role
// (f.Role; a member when empty): the invitation proved the address.
// Errors: apperr.Conflict with fields when the name or address is taken.
func (s *Service) InvitedSignup(ctx context.Context, f Signup) (*account.User, error) {
	hash, err := account.HashPassword(f.Password)
	if err != nil {
		return nil, err
	}
	role := f.Role
	if role == "" {
		role = account.Member
	}
	u := &account.User{Username: f.Username, Email: f.Email, DisplayName: strings.ToValidUTF8(f.DisplayName, "\uFFFD"), Role: role, PasswordHash: hash}
	err = s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if f.InvitationID != 0 { // used once: a second sign-up through the link finds it ended
			if open, err := store.EndInvitation(ctx, tx, f.InvitationID, "used"); err != nil {
				return err
			} else if !open {
				return apperr.New(apperr.Conflict, "This invitation has been used or withdrawn. Ask the blog's admin for a new one.")
			}
		}
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "invited", string(role)+" "+u.Username)
	})
	if err != nil {
		return nil, taken(err)
	}
	return u, nil
}

// PendingSignup checks a confirmation token and returns its sign-up.
func (s *Service) PendingSignup(ctx context.Context, tok string) (*PendingSignup, error) {
	bad := apperr.New(apperr.NotFound, "This confirmation link is not valid, or has expired. Sign up again.")
	parts, ok := s.Key.Verify(purposeSignup, tok)
	if !ok || len(parts) != 3 || expired(parts[1], s.now()) {
		return nil, bad
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	ps, err := store.PendingSignupByID(ctx, s.Store.Pool, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	// A later sign-up for the same address replaced this one.
	if strconv.FormatInt(ps.CreatedAt.UnixMicro(), 10) != parts[2] || s.now().After(ps.ExpiresAt) {
		return nil, bad
	}
	return ps, nil
}

// ConfirmSignup turns ps into a member when password is the one chosen at
// sign-up (5 tries in the throttle window), and returns the new account.
// Errors: apperr.TooMany, ErrWrongSignupPassword, apperr.Conflict when
// someone else took the name while the sign-up waited.
func (s *Service) ConfirmSignup(ctx context.Context, ps *PendingSignup, password string) (*account.User, error) {
	key := "confirm:" + strconv.FormatInt(ps.ID, 10)
	if wait, err := s.WindowWait(ctx, key, 5); err != nil {
		return nil, err
	} else if wait > 0 {
		return nil, apperr.New(apperr.TooMany, "Too many attempts. Try again in %s.", WaitWords(wait))
	}
	if !account.CheckPassword(ps.PasswordHash, password) {
		if err := s.Fail(ctx, key); err != nil {
			return nil, err
		}
		return nil, ErrWrongSignupPassword
	}
	u := &account.User{Username: ps.Username, Email: ps.Email, DisplayName: ps.DisplayName, Role: account.Member, PasswordHash: ps.PasswordHash}
	err := s.Store.Transact(ctx, func(tx pgx.Tx) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if err := store.DeletePendingSignup(ctx, tx, ps.ID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, u.ID, "user.signup", "user", u.ID, "", "member "+u.Username+" (address confirmed)")
	})
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		return nil, apperr.New(apperr.Conflict, "%s Sign up again with another.", e.Message)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// inviteToken signs invitation id of email to join in role: the role is
// signed with the address, so the link cannot be made to ask for more.
func (s *Service) inviteToken(email string, role account.Role, id int64) string {
	return s.Key.Sign(purposeInvite, base64.RawURLEncoding.EncodeToString([]byte(email)), strconv.FormatInt(s.now().Add(InviteTTL).Unix(), 10),
		string(role), strconv.FormatInt(id, 10))
}

// Invited is what a valid invitation link offers.
type Invited struct {
	Email string
	Role  account.Role
	ID    int64 // the stored invitation; 0 for a link mailed before invitations were stored
}

// Invitation returns what an invitation token offers when the token is
// genuine, has not expired, and its stored invitation is still open (not
// used, withdrawn or replaced by a newer one). A token made before
// invitations had roles names a member; one made before they were stored
// is honoured until it expires.
func (s *Service) Invitation(ctx context.Context, tok string) (Invited, bool, error) {
	parts, ok := s.Key.Verify(purposeInvite, tok)
	if !ok || len(parts) < 2 || len(parts) > 4 || expired(parts[1], s.now()) {
		return Invited{}, false, nil
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[0])
	in := Invited{Email: string(b), Role: account.Member}
	if len(parts) >= 3 {
		if in.Role = account.Role(parts[2]); !in.Role.Valid() {
			return Invited{}, false, nil
		}
	}
	if len(parts) == 4 {
		in.ID, _ = strconv.ParseInt(parts[3], 10, 64)
		if _, err := store.OpenInvitation(ctx, s.Store.Pool, in.ID, s.now()); errors.Is(err, apperr.ErrNotFound) {
			return Invited{}, false, nil
		} else if err != nil {
			return Invited{}, false, err
		}
	}
	return in, true, nil
}

// expired reports whether the unix time unix has passed (or is not one).
func expired(unix string, now time.Time) bool {
	n, err := strconv.ParseInt(unix, 10, 64)
	return err != nil || now.After(time.Unix(n, 0))
}
