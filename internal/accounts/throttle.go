package accounts

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// Sign-in throttling. Failures are counted under three keys, and none of
// them lets a stranger keep the owner out:
//
//   - the pair (account, client address): after a few free tries each
//     further try waits twice as long as the last (1 s, 2 s, 4 s … 15 min),
//     so one client cannot guess fast, and no other client is slowed;
//   - the client address, over every account: past MaxFailsIP it waits for
//     the window to pass (one machine spraying many accounts);
//   - the account, over every address: past SoftCapAccount (a distributed
//     guess), only addresses the account has signed in from before may
//     still try; the owner gets a mail saying so.
//
// The account is the account, not the text typed: a username and an e-mail
// address for the same account count once.
const (
	ThrottleWindow = 15 * time.Minute
	FreeFailures   = 3
	MaxDelay       = 15 * time.Minute
	MaxFailsIP     = 30
	SoftCapAccount = 20
	KnownLoginAge  = 90 * 24 * time.Hour
)

// SigninKeys names one sign-in attempt's throttle keys.
type SigninKeys struct {
	pair, ip, account string
	user              *account.User // nil for an unknown login
	addr              string
}

// NewSigninKeys returns the keys of a sign-in as u (nil: no such account)
// typed as login from client address ip.
func NewSigninKeys(u *account.User, login, ip string) SigninKeys {
	who := "login:" + strings.ToLower(login)
	if u != nil {
		who = "user:" + strconv.FormatInt(u.ID, 10)
	}
	k := SigninKeys{pair: "pair:" + who + "|" + ip, ip: "ip:" + ip, user: u, addr: ip}
	if u != nil {
		k.account = "acct:" + who
	}
	return k
}

// SigninWait returns how long this attempt must wait, or 0.
func (s *Service) SigninWait(ctx context.Context, k SigninKeys) (time.Duration, error) {
	now := s.now()
	since := now.Add(-ThrottleWindow)
	db := s.Store.Pool
	var wait time.Duration
	n, _, err := store.LoginFailures(ctx, db, k.pair, since)
	if err != nil {
		return 0, err
	}
	if n >= FreeFailures {
		last, err := store.LastLoginFailure(ctx, db, k.pair, since)
		if err != nil {
			return 0, err
		}
		wait = max(wait, last.Add(PairDelay(n)).Sub(now))
	}
	if w, err := s.WindowWait(ctx, k.ip, MaxFailsIP); err != nil {
		return 0, err
	} else if w > wait {
		wait = w
	}
	if k.user != nil {
		w, err := s.WindowWait(ctx, k.account, SoftCapAccount)
		if err != nil {
			return 0, err
		}
		if w > wait {
			known, err := store.KnownLogin(ctx, db, k.user.ID, k.addr, now.Add(-KnownLoginAge))
			if err != nil {
				return 0, err
			}
			if !known {
				wait = w
			}
		}
	}
	return wait, nil
}

// PairDelay is the wait after n failures of one client on one account.
func PairDelay(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	shift := min(n-FreeFailures, 20)
	return min(time.Second<<shift, MaxDelay)
}

// WindowWait returns how long key must wait when it failed limit times in
// the window: until the oldest failure leaves it.
func (s *Service) WindowWait(ctx context.Context, key string, limit int) (time.Duration, error) {
	now := s.now()
	n, oldest, err := store.LoginFailures(ctx, s.Store.Pool, key, now.Add(-ThrottleWindow))
	if err != nil || n < limit {
		return 0, err
	}
	return oldest.Add(ThrottleWindow).Sub(now), nil
}

// Fail records one failure under each key.
func (s *Service) Fail(ctx context.Context, keys ...string) error {
	return store.RecordLoginFailure(ctx, s.Store.Pool, keys...)
}

// SigninFailed records a failure; when the account reaches the soft cap,
// its owner is told by mail (once per crossing).
func (s *Service) SigninFailed(ctx context.Context, k SigninKeys) error {
	keys := []string{k.pair, k.ip}
	if k.user != nil {
		keys = append(keys, k.account)
	}
	if err := s.Fail(ctx, keys...); err != nil {
		return err
	}
	if k.user == nil {
		return nil
	}
	n, _, err := store.LoginFailures(ctx, s.Store.Pool, k.account, s.now().Add(-ThrottleWindow))
	if err != nil || n != SoftCapAccount {
		return err
	}
	u := k.user
	return s.Store.Transact(ctx, func(tx pgx.Tx) error {
		return s.mail(ctx, tx, "signin_attempts", u.Email, map[string]string{"Name": u.Username, "Count": strconv.Itoa(n),
			"URL": s.abs("/password/reset")})
	})
}

// PasswordAccepted forgets this client's failures: it knows the password.
func (s *Service) PasswordAccepted(ctx context.Context, k SigninKeys) error {
	return store.ClearLoginFailures(ctx, s.Store.Pool, k.pair)
}

// SignedIn remembers the address a user fully signed in from (after the
// second step, where there is one), so that a guessing attack on the
// account does not keep them out from there.
func (s *Service) SignedIn(ctx context.Context, userID int64, ip string) error {
	return store.RememberLogin(ctx, s.Store.Pool, userID, ip)
}

// MarkSignedIn records a sign-in and reports whether it was the user's
// first.
func (s *Service) MarkSignedIn(ctx context.Context, userID int64) (bool, error) {
	return store.MarkSignedIn(ctx, s.Store.Pool, userID)
}

// WaitWords says a wait for people: "4 seconds", "2 minutes".
func WaitWords(d time.Duration) string {
	if d < time.Minute {
		n := int(d.Seconds()) + 1
		return strconv.Itoa(n) + map[bool]string{true: " second", false: " seconds"}[n == 1]
	}
	n := int(d.Minutes()) + 1
	return strconv.Itoa(n) + map[bool]string{true: " minute", false: " minutes"}[n == 1]
}

// OwnPasswordOK re-checks the signed-in user's password before a sensitive
// change (a new password, removing a passkey, turning two-factor off): a
// borrowed, unlocked browser must not be enough. The hash is read fresh,
// not as the session loaded it, and wrong guesses are throttled per
// account (5 in the window) whichever form they came through.
func (s *Service) OwnPasswordOK(ctx context.Context, u *account.User, password string) (bool, error) {
	key := "password:" + strconv.FormatInt(u.ID, 10)
	if wait, err := s.WindowWait(ctx, key, 5); err != nil {
		return false, err
	} else if wait > 0 {
		return false, apperr.New(apperr.TooMany, "Too many wrong passwords. Try again in %s.", WaitWords(wait))
	}
	fresh, err := store.UserByID(ctx, s.Store.Pool, u.ID)
	if err != nil {
		return false, err
	}
	if account.CheckPassword(fresh.PasswordHash, password) {
		return true, nil
	}
	return false, s.Fail(ctx, key)
}
