package server

import (
	"context"
	"strconv"
	"strings"
	"time"

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
//   - the client address, over every account: past maxFailsIP it waits for
//     the window to pass (one machine spraying many accounts);
//   - the account, over every address: past softCapAccount (a distributed
//     guess), only addresses the account has signed in from before may
//     still try; the owner gets a mail saying so.
//
// The account is the account, not the text typed: a username and an e-mail
// address for the same account count once.
const (
	throttleWindow = 15 * time.Minute
	freeFailures   = 3
	maxDelay       = 15 * time.Minute
	maxFailsIP     = 30
	softCapAccount = 20
	knownLoginAge  = 90 * 24 * time.Hour
)

// signinKeys names one sign-in attempt's throttle keys.
type signinKeys struct {
	pair, ip, account string
	user              *account.User // nil for an unknown login
	addr              string
}

func newSigninKeys(u *account.User, login, ip string) signinKeys {
	who := "login:" + strings.ToLower(login)
	if u != nil {
		who = "user:" + strconv.FormatInt(u.ID, 10)
	}
	k := signinKeys{pair: "pair:" + who + "|" + ip, ip: "ip:" + ip, user: u, addr: ip}
	if u != nil {
		k.account = "acct:" + who
	}
	return k
}

// signinWait returns how long this attempt must wait, or 0.
func (s *Server) signinWait(ctx context.Context, k signinKeys) (time.Duration, error) {
	now := s.now()
	since := now.Add(-throttleWindow)
	db := s.store.Pool
	var wait time.Duration
	n, _, err := store.LoginFailures(ctx, db, k.pair, since)
	if err != nil {
		return 0, err
	}
	if n >= freeFailures {
		last, err := store.LastLoginFailure(ctx, db, k.pair, since)
		if err != nil {
			return 0, err
		}
		wait = max(wait, last.Add(pairDelay(n)).Sub(now))
	}
	if w, err := s.windowWait(ctx, k.ip, maxFailsIP); err != nil {
		return 0, err
	} else if w > wait {
		wait = w
	}
	if k.user != nil {
		w, err := s.windowWait(ctx, k.account, softCapAccount)
		if err != nil {
			return 0, err
		}
		if w > wait {
			known, err := store.KnownLogin(ctx, db, k.user.ID, k.addr, now.Add(-knownLoginAge))
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

// pairDelay is the wait after n failures of one client on one account.
func pairDelay(n int) time.Duration {
	if n < freeFailures {
		return 0
	}
	shift := min(n-freeFailures, 20)
	return min(time.Second<<shift, maxDelay)
}

// windowWait returns how long key must wait when it failed limit times in
// the window: until the oldest failure leaves it.
func (s *Server) windowWait(ctx context.Context, key string, limit int) (time.Duration, error) {
	now := s.now()
	n, oldest, err := store.LoginFailures(ctx, s.store.Pool, key, now.Add(-throttleWindow))
	if err != nil || n < limit {
		return 0, err
	}
	return oldest.Add(throttleWindow).Sub(now), nil
}

// signinFailed records a failure; when the account reaches the soft cap,
// its owner is told by mail (once per crossing).
func (s *Server) signinFailed(ctx context.Context, k signinKeys) error {
	keys := []string{k.pair, k.ip}
	if k.user != nil {
		keys = append(keys, k.account)
	}
	if err := store.RecordLoginFailure(ctx, s.store.Pool, keys...); err != nil {
		return err
	}
	if k.user == nil {
		return nil
	}
	n, _, err := store.LoginFailures(ctx, s.store.Pool, k.account, s.now().Add(-throttleWindow))
	if err != nil || n != softCapAccount {
		return err
	}
	u := k.user
	return s.store.Transact(ctx, func(tx pgxTx) error {
		return s.mailTx(ctx, tx, "signin_attempts", u.Email, map[string]string{"Name": u.Username, "Count": strconv.Itoa(n),
			"URL": s.abs("/password/reset")})
	})
}

// passwordAccepted forgets this client's failures: it knows the password.
func (s *Server) passwordAccepted(ctx context.Context, k signinKeys) error {
	return store.ClearLoginFailures(ctx, s.store.Pool, k.pair)
}

// signedIn remembers the address a user fully signed in from (after the
// second step, where there is one), so that a guessing attack on the
// account does not keep them out from there.
func (s *Server) signedIn(ctx context.Context, userID int64) error {
	return store.RememberLogin(ctx, s.store.Pool, userID, ClientIP(ctx).String())
}

// waitWords says a wait for people: "4 seconds", "2 minutes".
func waitWords(d time.Duration) string {
	if d < time.Minute {
		n := int(d.Seconds()) + 1
		return strconv.Itoa(n) + map[bool]string{true: " second", false: " seconds"}[n == 1]
	}
	n := int(d.Minutes()) + 1
	return strconv.Itoa(n) + map[bool]string{true: " minute", false: " minutes"}[n == 1]
}

// ownPasswordOK re-checks the signed-in user's password before a sensitive
// change (a new password, removing a passkey, turning two-factor off): a
// borrowed, unlocked browser must not be enough. The hash is read fresh,
// not as the session loaded it, and wrong guesses are throttled per
// account (5 in the window) whichever form they came through.
func (s *Server) ownPasswordOK(ctx context.Context, u *account.User, password string) (bool, error) {
	key := "password:" + strconv.FormatInt(u.ID, 10)
	if wait, err := s.windowWait(ctx, key, 5); err != nil {
		return false, err
	} else if wait > 0 {
		return false, apperr.New(apperr.TooMany, "Too many wrong passwords. Try again in %s.", waitWords(wait))
	}
	fresh, err := store.UserByID(ctx, s.store.Pool, u.ID)
	if err != nil {
		return false, err
	}
	if account.CheckPassword(fresh.PasswordHash, password) {
		return true, nil
	}
	return false, store.RecordLoginFailure(ctx, s.store.Pool, key)
}
