package text

import "testing"

func TestStorableAndURLSafe(t *testing.T) {
	tests := []struct {
		in                string
		storable, urlSafe bool
	}{
		{"plain text", true, true},
		{"ünïcödé ✓", true, true},
		{"line\nbreak", true, false},
		{"tab\there", true, false},
		{"nul\x00byte", false, false},
		{"bad \xff utf-8", false, false},
		{"c1 \u0085 control", true, false},
		{"", true, true},
	}
	for _, tt := range tests {
		if got := Storable(tt.in); got != tt.storable {
			t.Errorf("Storable(%q) = %v", tt.in, got)
		}
		if got := URLSafe(tt.in); got != tt.urlSafe {
			t.Errorf("URLSafe(%q) = %v", tt.in, got)
		}
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"photo.jpg", "photo.jpg"},
		{"photo\u202egpj.exe", "photogpj.exe"},
		{"  spaced  ", "spaced"},
		{"zero\u200bwidth\ufeff", "zerowidth"},
		{"isolates\u2066x\u2069", "isolatesx"},
		{"nul\x00 and \x1b[31mansi", "nul and [31mansi"},
		{"bad\xffbyte", "badbyte"},
		{"émoji 🐈 kept", "émoji 🐈 kept"},
	}
	for _, tt := range tests {
		if got := CleanName(tt.in); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAllStorable(t *testing.T) {
	type inner struct {
		Alt string `json:"alt"`
	}
	type body struct {
		Title string            `json:"title"`
		Tags  []string          `json:"tags"`
		Meta  map[string]string `json:"meta"`
		In    *inner            `json:"in"`
		skip  string
	}
	tests := []struct {
		name string
		v    any
		ok   bool
		bad  string
	}{
		{"clean", body{Title: "t", Tags: []string{"a"}, Meta: map[string]string{"k": "v"}, In: &inner{"x"}}, true, ""},
		{"nul in field", &body{Title: "a\x00b"}, false, "title"},
		{"nul in slice", body{Tags: []string{"ok", "\x00"}}, false, "tags"},
		{"nul in map key", body{Meta: map[string]string{"\x00": "v"}}, false, "meta"},
		{"nul in nested", body{In: &inner{"\x00"}}, false, "alt"},
		{"unexported ignored", body{skip: "\x00"}, true, ""},
		{"map of any", map[string]any{"a": []any{"x", "y\x00"}}, false, ""},
	}
	for _, tt := range tests {
		ok, bad := AllStorable(tt.v)
		if ok != tt.ok || bad != tt.bad {
			t.Errorf("%s: AllStorable = %v %q, want %v %q", tt.name, ok, bad, tt.ok, tt.bad)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	f.Add("photo\u202egpj.exe")
	f.Fuzz(func(t *testing.T, s string) {
		out := CleanName(s)
		if !Storable(out) {
			t.Fatalf("CleanName(%q) = %q is not storable", s, out)
		}
		for _, c := range out {
			if hidden(c) {
				t.Fatalf("CleanName(%q) kept %U", s, c)
			}
		}
		if CleanName(out) != out {
			t.Fatalf("not stable on %q", s)
		}
	})
}

func TestTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\ttext\nlines", "plain\ttext\nlines"},
		{"red \x1b[31mtext\x1b[0m", "red \uFFFD[31mtext\uFFFD[0m"},
		{"bell\a, CR\r, DEL\x7f, CSI\u009b", "bell\uFFFD, CR\uFFFD, DEL\uFFFD, CSI\uFFFD"},
		{"bad \xff byte, and été", "bad \uFFFD byte, and été"},
	} {
		if got := Terminal(tc.in); got != tc.want {
			t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
