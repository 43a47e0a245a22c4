package server

import (
	"time"

	"quire/internal/accounts"
)

// The throttle's and two-factor's figures under the names the security
// tests use; they live in internal/accounts.
const (
	freeFailures   = accounts.FreeFailures
	softCapAccount = accounts.SoftCapAccount
	recoveryCodes  = accounts.RecoveryCodes
)

func pairDelay(n int) time.Duration { return accounts.PairDelay(n) }

func passkeyHandle(id int64) []byte { return accounts.PasskeyHandle(id) }
