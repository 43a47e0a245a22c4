package store_test

import (
	"context"
	"errors"
	"testing"

	"quire/internal/account"
	"quire/internal/apperr"
	"quire/internal/store"
)

// TestPasskeys: passkeys are listed per user, found by credential id,
// unique across users, updated on use and removed only by their owner.
func TestPasskeys(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	ann := mustUser(t, s.Pool, "ann", account.Admin)
	bob := mustUser(t, s.Pool, "bob", account.Author)
	pk := &store.Passkey{UserID: ann.ID, CredentialID: []byte{1, 2, 3}, PublicKey: []byte{9}, Name: "Laptop", Flags: 0x1d}
	if err := store.AddPasskey(ctx, s.Pool, pk); err != nil || pk.ID == 0 {
		t.Fatalf("add: %v %+v", err, pk)
	}
	dup := &store.Passkey{UserID: bob.ID, CredentialID: []byte{1, 2, 3}, PublicKey: []byte{9}, Name: "Mine now"}
	if err := store.AddPasskey(ctx, s.Pool, dup); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("same credential for bob: %v", err)
	}
	if _, err := store.PasskeyByCredential(ctx, s.Pool, []byte{4}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("unknown credential: %v", err)
	}
	if err := store.UsePasskey(ctx, s.Pool, pk.ID, 7, 0x1d); err != nil {
		t.Fatal(err)
	}
	got, err := store.PasskeyByCredential(ctx, s.Pool, []byte{1, 2, 3})
	if err != nil || got.UserID != ann.ID || got.SignCount != 7 || got.Flags != 0x1d || got.LastUsedAt == nil || got.Transports == nil {
		t.Errorf("after use: %+v %v", got, err)
	}
	if ok, err := store.DeletePasskey(ctx, s.Pool, bob.ID, pk.ID); ok || err != nil {
		t.Errorf("bob deleting ann's passkey: %v %v", ok, err)
	}
	if list, _ := store.Passkeys(ctx, s.Pool, ann.ID); len(list) != 1 || list[0].Name != "Laptop" {
		t.Errorf("ann's list: %+v", list)
	}
	if ok, err := store.DeletePasskey(ctx, s.Pool, ann.ID, pk.ID); !ok || err != nil {
		t.Errorf("ann deleting: %v %v", ok, err)
	}
}
