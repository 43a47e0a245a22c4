package render_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// dataDir finds ../shared/testdata beside the repository root (the directory
// holding go.mod). The data is public and shared between projects, so it is
// read in place, never copied. Missing data skips the test, except under
// CI=true, where it is a failure: CI must not go green by testing nothing.
func dataDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "testdata")
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("test data missing: %v", err)
		}
		tb.Skipf("test data missing (%v); set CI=true to make this a failure", err)
	}
	return d
}

// readTSV returns the rows of a TSV file with its escapes decoded, skipping
// '#' comment lines; every row must have exactly cols fields.
func readTSV(tb testing.TB, name string, cols int) [][]string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	var rows [][]string
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != cols {
			tb.Fatalf("%s:%d: %d fields, want %d", name, i+1, len(f), cols)
		}
		for j := range f {
			if f[j], err = unescape(f[j]); err != nil {
				tb.Fatalf("%s:%d: %v", name, i+1, err)
			}
		}
		rows = append(rows, f)
	}
	return rows
}

// unescape decodes the TSV escapes of testdata/README.md: \\ \t \n \r \xHH
// \uHHHH. Any other backslash is literal (payloads carry \0075, \x28 …
// sequences of their own only in escaped form, as \\0075).
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'x', 'u':
			w := 2
			if s[i] == 'u' {
				w = 4
			}
			if i+w >= len(s) {
				return "", strconv.ErrSyntax
			}
			v, err := strconv.ParseUint(s[i+1:i+1+w], 16, 32)
			if err != nil {
				return "", err
			}
			if w == 2 {
				b.WriteByte(byte(v)) // \xHH is one byte: C0/C1 controls, DEL
			} else {
				b.WriteRune(rune(v))
			}
			i += w
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}

// vector is one row of xss-vectors.tsv.
type vector struct{ ID, Source, Payload string }

// benign is one row of benign-html.tsv.
type benign struct {
	ID, Scope, HTML, MustKeep, ExpectAdded, Notes string
}

func loadVectors(tb testing.TB) []vector {
	var out []vector
	for _, r := range readTSV(tb, "xss-vectors.tsv", 3) {
		out = append(out, vector{r[0], r[1], r[2]})
	}
	return out
}

func loadBenign(tb testing.TB) []benign {
	var out []benign
	for _, r := range readTSV(tb, "benign-html.tsv", 6) {
		out = append(out, benign{r[0], r[1], r[2], r[3], r[4], r[5]})
	}
	return out
}

// TestDataDecoding proves the TSV decoder against the JSON twins, so the
// other tests really see the payloads (NULs, controls, literal backslashes).
func TestDataDecoding(t *testing.T) {
	readJSON := func(name string, v any) {
		b, err := os.ReadFile(filepath.Join(dataDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	var jv []struct{ ID, Payload string }
	readJSON("xss-vectors.json", &jv)
	tv := loadVectors(t)
	if len(tv) != 754 || len(jv) != len(tv) {
		t.Fatalf("xss vectors: tsv %d, json %d, want 754", len(tv), len(jv))
	}
	for i := range tv {
		if tv[i].ID != jv[i].ID || tv[i].Payload != jv[i].Payload {
			t.Errorf("xss %s: tsv %q != json %q", tv[i].ID, tv[i].Payload, jv[i].Payload)
		}
	}
	var jb []struct {
		ID, HTML string
		MustKeep string `json:"must_keep"`
	}
	readJSON("benign-html.json", &jb)
	tb := loadBenign(t)
	if len(tb) != 50 || len(jb) != len(tb) {
		t.Fatalf("benign rows: tsv %d, json %d, want 50", len(tb), len(jb))
	}
	for i := range tb {
		if tb[i].ID != jb[i].ID || tb[i].HTML != jb[i].HTML || tb[i].MustKeep != jb[i].MustKeep {
			t.Errorf("benign %s: tsv and json differ", tb[i].ID)
		}
	}
}
