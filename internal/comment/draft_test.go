package comment

import (
	"strings"
	"testing"
)

func TestDraftValidate(t *testing.T) {
	long := strings.Repeat("x", MaxBodyBytes+1)
	tests := []struct {
		name  string
		d     Draft
		rules InputRules
		want  map[string]string // field → message; empty = valid
	}{
		{"ok", Draft{AuthorName: "Maria", AuthorEmail: "maria@mail.invalid", Body: "Hi"}, InputRules{}, nil},
		{"ok anonymous", Draft{AuthorEmail: "a@b.invalid", Body: "Hi"}, InputRules{}, nil},
		{"body required", Draft{AuthorEmail: "a@b.invalid", Body: " \n\t "}, InputRules{}, map[string]string{"body": "Please write a comment"}},
		{"body past 100 KB", Draft{AuthorEmail: "a@b.invalid", Body: long}, InputRules{MaxBodyRunes: MaxBodyRunesCeiling}, map[string]string{"body": "Your comment is too long: at most 25,600 characters, and this one has 102,401"}},
		{"body past the default 20,000 characters", Draft{AuthorEmail: "a@b.invalid", Body: strings.Repeat("é", DefaultMaxBodyRunes+1)}, InputRules{}, map[string]string{"body": "Your comment is too long: at most 20,000 characters, and this one has 20,001"}},
		{"body exactly 20,000 characters", Draft{AuthorEmail: "a@b.invalid", Body: strings.Repeat("é", DefaultMaxBodyRunes)}, InputRules{}, nil},
		{"body past the site's 500", Draft{AuthorEmail: "a@b.invalid", Body: strings.Repeat("x", 501)}, InputRules{MaxBodyRunes: 500}, map[string]string{"body": "Your comment is too long: at most 500 characters, and this one has 501"}},
		{"body not utf-8", Draft{AuthorEmail: "a@b.invalid", Body: "a\xffb"}, InputRules{}, map[string]string{"body": "Your comment contains characters that cannot be read (not UTF-8)"}},
		{"name 100 runes", Draft{AuthorName: strings.Repeat("é", 100), AuthorEmail: "a@b.invalid", Body: "x"}, InputRules{}, nil},
		{"name 101 runes", Draft{AuthorName: strings.Repeat("é", 101), AuthorEmail: "a@b.invalid", Body: "x"}, InputRules{}, map[string]string{"author_name": "Your name is too long: at most 100 characters"}},
		{"name with newline", Draft{AuthorName: "a\nb", AuthorEmail: "a@b.invalid", Body: "x"}, InputRules{}, map[string]string{"author_name": "Your name cannot contain line breaks or control characters"}},
		{"name with bidi override", Draft{AuthorName: "adm\u202eni", AuthorEmail: "a@b.invalid", Body: "x"}, InputRules{}, map[string]string{"author_name": "Your name cannot contain line breaks or control characters"}},
		{"name required", Draft{AuthorEmail: "a@b.invalid", Body: "x"}, InputRules{NameRequired: true}, map[string]string{"author_name": "Please enter your name"}},
		{"email required", Draft{Body: "x"}, InputRules{}, map[string]string{"author_email": "Please enter your e-mail address"}},
		{"email optional", Draft{Body: "x"}, InputRules{EmailOptional: true}, nil},
		{"email optional but bad", Draft{AuthorEmail: "nope", Body: "x"}, InputRules{EmailOptional: true}, map[string]string{"author_email": "This does not look like an e-mail address"}},
		{"email with display name", Draft{AuthorEmail: "Maria <m@b.invalid>", Body: "x"}, InputRules{}, map[string]string{"author_email": "This does not look like an e-mail address"}},
		{"email without dot", Draft{AuthorEmail: "m@localhost", Body: "x"}, InputRules{}, map[string]string{"author_email": "This does not look like an e-mail address"}},
		{"email two ats", Draft{AuthorEmail: "m@@b.invalid", Body: "x"}, InputRules{}, map[string]string{"author_email": "This does not look like an e-mail address"}},
		{"url ok", Draft{AuthorEmail: "a@b.invalid", AuthorURL: "http://blog.invalid/about", Body: "x"}, InputRules{}, nil},
		{"url javascript", Draft{AuthorEmail: "a@b.invalid", AuthorURL: "javascript:alert(1)", Body: "x"}, InputRules{}, map[string]string{"author_url": "This does not look like a website address"}},
		{"url ftp", Draft{AuthorEmail: "a@b.invalid", AuthorURL: "ftp://files.invalid/", Body: "x"}, InputRules{}, map[string]string{"author_url": "Your website address must start with http:// or https://"}},
		{"url userinfo", Draft{AuthorEmail: "a@b.invalid", AuthorURL: "https://bank.invalid@evil.invalid/", Body: "x"}, InputRules{}, map[string]string{"author_url": "This does not look like a website address"}},
		{"url too long", Draft{AuthorEmail: "a@b.invalid", AuthorURL: "https://b.invalid/" + strings.Repeat("a", MaxURLRunes), Body: "x"}, InputRules{}, map[string]string{"author_url": "Your website address is too long: at most 2,000 characters"}},
		{"negative parent", Draft{AuthorEmail: "a@b.invalid", Body: "x", ParentID: -1}, InputRules{}, map[string]string{"parent_id": "The comment you are replying to does not exist"}},
		{"everything wrong at once", Draft{AuthorName: "a\x01", AuthorEmail: "x", AuthorURL: "gopher://x", Body: ""}, InputRules{}, map[string]string{
			"author_name": "Your name cannot contain line breaks or control characters", "author_email": "This does not look like an e-mail address",
			"author_url": "Your website address must start with http:// or https://", "body": "Please write a comment"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.d.Validate(tc.rules)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("error %v (%T), want *ValidationError", err, err)
			}
			if len(ve.Fields) != len(tc.want) {
				t.Errorf("fields %+v, want %v", ve.Fields, tc.want)
			}
			for f, msg := range tc.want {
				if got := ve.Message(f); got != msg {
					t.Errorf("%s: %q, want %q", f, got, msg)
				}
			}
			if !strings.Contains(ve.Error(), "comment: invalid") {
				t.Errorf("Error() = %q", ve.Error())
			}
		})
	}
}

func TestDraftNormalises(t *testing.T) {
	d := Draft{AuthorName: "  Maria\x00 ", AuthorEmail: " m@b.invalid ", AuthorURL: " blog.invalid/me ",
		Body: "\r\n\r\n    code line\r\nnext\r\n\r\n  "}
	if err := d.Validate(InputRules{}); err != nil {
		t.Fatal(err)
	}
	want := Draft{AuthorName: "Maria", AuthorEmail: "m@b.invalid", AuthorURL: "https://blog.invalid/me", Body: "    code line\nnext"}
	if d != want {
		t.Errorf("normalised to %+v, want %+v", d, want)
	}
	if d.DisplayName() != "Maria" || (&Draft{}).DisplayName() != AnonymousName {
		t.Error("DisplayName wrong")
	}
}
