package config

import (
	"io"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, _, err := Load("t", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.DataDir != "./data" || !c.SendLinkbacks || c.DatabaseURL != "" {
		t.Errorf("defaults wrong: %+v", c)
	}
	if c.Secure() {
		t.Error("http base URL must not make cookies Secure")
	}
	if c.PageCache.Sections != 24<<20 || c.PageCache.MaxBytes != 64<<20 {
		t.Errorf("cache sizes %+v", c.PageCache)
	}
	if c.GCHeadroom != 48<<20 {
		t.Errorf("GC headroom %d, want 48 MB", c.GCHeadroom)
	}
	if c, _, _ = Load("t", nil, env(map[string]string{"QUIRE_GC_HEADROOM_MB": "0"}), io.Discard); c.GCHeadroom != 0 {
		t.Errorf("QUIRE_GC_HEADROOM_MB=0: headroom %d, want 0 (Go's pacing)", c.GCHeadroom)
	}
}

func TestLoadPrecedenceAndErrors(t *testing.T) {
	c, rest, err := Load("t", []string{"--addr", "127.0.0.1:9", "extra"}, env(map[string]string{
		"QUIRE_ADDR": ":1", "QUIRE_BASE_URL": "https://blog.example/", "QUIRE_FETCH_ALLOW_CIDRS": "127.0.0.2/32, ::1",
		"QUIRE_SEND_LINKBACKS": "false", "QUIRE_FETCH_ALLOW_PORTS": "8080, 9090",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9" {
		t.Errorf("flag should win: %q", c.Addr)
	}
	if !c.Secure() || c.BaseURL.String() != "https://blog.example" {
		t.Errorf("base URL %v", c.BaseURL)
	}
	if len(c.FetchAllowCIDR) != 2 || c.FetchAllowCIDR[1].String() != "::1/128" || c.SendLinkbacks {
		t.Errorf("parsed %+v", c)
	}
	if len(c.FetchPorts) != 2 || c.FetchPorts[1] != 9090 {
		t.Errorf("ports %v", c.FetchPorts)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("rest %v", rest)
	}
	tests := []struct{ key, val string }{
		{"QUIRE_BASE_URL", "localhost:8080"},
		{"QUIRE_BASE_URL", "ftp://x"},
		{"QUIRE_FETCH_ALLOW_CIDRS", "127.0.0.300/32"},
		{"QUIRE_TRUSTED_PROXIES", "nonsense"},
		{"QUIRE_SEND_LINKBACKS", "maybe"},
		{"QUIRE_FETCH_ALLOW_PORTS", "8080,70000"},
		{"QUIRE_SMTP_URL", "http://mail"},
		{"QUIRE_LOG_LEVEL", "loud"},
		{"QUIRE_COMMENT_CACHE_MB", "-1"},
		{"QUIRE_COMMENT_CACHE_MB", "lots"},
		{"QUIRE_GC_HEADROOM_MB", "-5"},
		{"QUIRE_GC_HEADROOM_MB", "99999"},
	}
	for _, tt := range tests {
		_, _, err := Load("t", nil, env(map[string]string{tt.key: tt.val}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s=%q: error %v should name the variable", tt.key, tt.val, err)
		}
	}
}

func TestHelpHidesEnvironmentSecrets(t *testing.T) {
	var out strings.Builder
	_, _, err := Load("t", []string{"--help"}, env(map[string]string{
		"DATABASE_URL": "postgres://u:hunter2@db/quire", "QUIRE_SMTP_URL": "smtp://u:hunter2@mail:25",
	}), &out)
	if err == nil {
		t.Fatal("--help should return flag.ErrHelp")
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Errorf("--help printed a secret from the environment:\n%s", out.String())
	}
	c, _, err := Load("t", nil, env(map[string]string{"DATABASE_URL": "postgres://u:hunter2@db/quire"}), io.Discard)
	if err != nil || c.DatabaseURL != "postgres://u:hunter2@db/quire" {
		t.Errorf("environment value lost: %v %q", err, c.DatabaseURL)
	}
}
