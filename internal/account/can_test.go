package account

import "testing"

// TestCan walks every role against every action, for own and others'
// things. The table is the permission model; change it deliberately.
func TestCan(t *testing.T) {
	const (
		no  = 0 // never
		own = 1 // only on their own things
		yes = 2 // always
	)
	all := Actions
	want := map[Role]map[Action]int{
		Admin:  {},
		Editor: {ManageUsers: no, ManageSettings: no, ViewAudit: no, ImportExport: no, ReadOutbox: no},
		Author: {ViewAdmin: yes, CreatePost: yes, UploadMedia: yes, CommentAsMember: yes, EditOwnProfile: yes, ManageOwnTokens: yes,
			EditPost: own, PublishPost: own, SubmitPost: own, TrashPost: own, ReadDraft: own},
		Contributor: {ViewAdmin: yes, CreatePost: yes, CommentAsMember: yes, EditOwnProfile: yes, ManageOwnTokens: yes,
			EditPost: own, SubmitPost: own, TrashPost: own, ReadDraft: own},
		Moderator: {ViewAdmin: yes, Moderate: yes, ManageBlocklist: yes, CommentAsMember: yes, EditOwnProfile: yes, ManageOwnTokens: yes},
		Member:    {CommentAsMember: yes, EditOwnProfile: yes},
	}
	// Admins may do everything; editors everything but the listed.
	defaults := map[Role]int{Admin: yes, Editor: yes}
	// An action added to the model but not to the editors' allow-list is
	// refused to them: prove it with one Can has never heard of.
	if Can(&User{ID: 1, Role: Editor}, Action("some_new_action"), Site) {
		t.Error("editors get actions nobody granted them")
	}
	for _, role := range Roles {
		u := &User{ID: 7, Role: role}
		for _, a := range all {
			exp, ok := want[role][a]
			if !ok {
				exp = defaults[role]
			}
			gotOwn := Can(u, a, Owned(7))
			gotOther := Can(u, a, Owned(8))
			gotSite := Can(u, a, Site)
			switch exp {
			case yes:
				if !gotOwn || !gotOther || !gotSite {
					t.Errorf("%s %s: want allowed everywhere, got own=%v other=%v site=%v", role, a, gotOwn, gotOther, gotSite)
				}
			case own:
				if !gotOwn || gotOther || gotSite {
					t.Errorf("%s %s: want own only, got own=%v other=%v site=%v", role, a, gotOwn, gotOther, gotSite)
				}
			case no:
				if gotOwn || gotOther || gotSite {
					t.Errorf("%s %s: want refused, got own=%v other=%v site=%v", role, a, gotOwn, gotOther, gotSite)
				}
			}
		}
	}
	for _, a := range all {
		if Can(nil, a, Site) {
			t.Errorf("anonymous may %s", a)
		}
		if Can(&User{ID: 1, Role: Admin, Disabled: true}, a, Site) {
			t.Errorf("disabled admin may %s", a)
		}
	}
}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Error("right password refused")
	}
	for _, bad := range []string{"", "correct horse batter", "Correct horse battery"} {
		if CheckPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	if CheckPassword("", "") {
		t.Error("empty hash accepted")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("same salt twice")
	}
}

func TestValidateNew(t *testing.T) {
	tests := []struct {
		name                      string
		user, email, role, passwd string
		badFields                 []string
	}{
		{"ok", "ann", "ann@example.com", "author", "long enough pw", nil},
		{"bad username", "-ann", "ann@example.com", "author", "long enough pw", []string{"username"}},
		{"bad email", "ann", "not-an-email", "author", "long enough pw", []string{"email"}},
		{"bad role", "ann", "ann@example.com", "king", "long enough pw", []string{"role"}},
		{"short password", "ann", "ann@example.com", "author", "short", []string{"password"}},
		{"all bad", "", "x", "", "", []string{"username", "email", "role", "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNew(tt.user, tt.email, Role(tt.role), tt.passwd)
			if len(tt.badFields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, f := range tt.badFields {
				if !containsField(err, f) {
					t.Errorf("no message for %s in %v", f, err)
				}
			}
		})
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckTokenFormat(tok); err != nil {
		t.Errorf("fresh token rejected: %v", err)
	}
	if string(TokenHash(tok)) != string(hash) {
		t.Error("hash mismatch")
	}
	for _, bad := range []string{"", "quire_", "abc", tok + "x", "Bearer " + tok} {
		if CheckTokenFormat(bad) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
