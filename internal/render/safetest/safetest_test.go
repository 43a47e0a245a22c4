package safetest

import "testing"

// The checker must catch what it exists to catch; a checker that passes
// everything would make every test built on it worthless.
func TestUnsafe(t *testing.T) {
	for _, tc := range []struct {
		html string
		bad  bool
	}{
		{`<p>hello <a href="https://example.com/" rel="nofollow">x</a></p>`, false},
		{`<sup id="user-content-fnref:1">1</sup>`, false},
		{`<a href="/a,javascript:b">x</a>`, false},
		{`<p>javascript:alert(1)</p>`, false},
		{`<script>alert(1)</script>`, true},
		{`<style>p{}</style>`, true},
		{`<svg></svg>`, true},
		{`<math></math>`, true},
		{`<iframe srcdoc="x"></iframe>`, true},
		{`<object data="x"></object>`, true},
		{`<embed src="x">`, true},
		{`<form action="x"></form>`, true},
		{`<base href="x">`, true},
		{`<meta http-equiv="refresh" content="0">`, true},
		{`<link rel="stylesheet" href="x">`, true},
		{`<img src="x" onerror="alert(1)">`, true},
		{`<p ONCLICK="x">`, true},
		{`<p style="color:red">`, true},
		{`<button formaction="x">`, true},
		{`<a href=" &#x0A;JaVa&#09;Script:alert(1)">x</a>`, true},
		{`<a href="&#1;vbscript:x">x</a>`, true},
		{`<img src="data:image/svg+xml,x">`, true},
		{`<img srcset="a.png 1x, javascript:x 2x">`, true},
		{`<p id="x">`, true},
		{`<img name="cookie">`, true},
	} {
		got := Unsafe(tc.html)
		if (len(got) > 0) != tc.bad {
			t.Errorf("Unsafe(%q) = %q, want bad=%v", tc.html, got, tc.bad)
		}
	}
}
