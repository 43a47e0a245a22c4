package server

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/post"
)

// browserSignIn signs username (password123, as MustUser makes it) in
// through the form and waits on next for ready.
func browserSignIn(t *testing.T, ctx context.Context, e *testEnv, username, next, ready string) {
	t.Helper()
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin?next="+next),
		chromedp.SetValue(`input[name=login]`, username),
		chromedp.SetValue(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(ready),
	)
}

// TestBrowserEditorToolbar: the editor's formatting buttons and their
// keys wrap the selection in Markdown (in HTML when that is the format),
// take an inline mark off again, start each selected line for a line
// mark, put a placeholder in when nothing is selected, and Ctrl+Z undoes
// a change.
func TestBrowserEditorToolbar(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	ctx := bt.New(t)
	browserSignIn(t, ctx, e, "ann", "/admin/posts/new", `#post-form .md-toolbar`)
	// set puts v in the body with [a, b) selected.
	set := func(v string, a, b int) {
		t.Helper()
		js, _ := json.Marshal(v)
		bt.Get(t, ctx, chromedp.Evaluate[bool](`(function(v,a,b){var t=document.getElementById("post-body"); t.value=v; t.focus(); t.setSelectionRange(a,b); return true})(`+
			string(js)+`,`+strconv.Itoa(a)+`,`+strconv.Itoa(b)+`)`))
	}
	body := func() string { return bt.Get(t, ctx, chromedp.Value(`#post-body`)) }
	selected := func() string {
		return bt.Get(t, ctx, chromedp.Evaluate[string](`(function(){var t=document.getElementById("post-body"); return t.value.slice(t.selectionStart, t.selectionEnd)})()`))
	}
	click := func(mark string) { bt.Do(t, ctx, chromedp.Click(`.md-toolbar button[data-mark=`+mark+`]`)) }

	set("hello world", 6, 11)
	click("bold")
	if got := body(); got != "hello **world**" || selected() != "world" {
		t.Errorf("bold: %q, selected %q", got, selected())
	}
	click("bold") // again: off
	if got := body(); got != "hello world" {
		t.Errorf("bold twice: %q", got)
	}
	set("see the docs", 8, 12)
	bt.Do(t, ctx, chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := body(); got != "see the [docs](https://)" || selected() != "https://" {
		t.Errorf("Ctrl+K: %q, selected %q", got, selected())
	}
	bt.Do(t, ctx, chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := body(); got != "see the docs" {
		t.Errorf("Ctrl+Z after Ctrl+K: %q", got)
	}
	set("one\ntwo", 1, 6)
	click("quote")
	if got := body(); got != "> one\n> two" {
		t.Errorf("quote: %q", got)
	}
	set("Intro.", 6, 6)
	click("heading")
	if got := body(); got != "Intro.\n## Heading" || selected() != "Heading" {
		t.Errorf("heading with nothing selected: %q, selected %q", got, selected())
	}
	bt.Do(t, ctx, chromedp.SetValue(`#post-form select[name=format]`, "html"))
	set("hello world", 6, 11)
	bt.Do(t, ctx, chromedp.KeyEvent("i", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := body(); got != "hello <em>world</em>" {
		t.Errorf("Ctrl+I in HTML: %q", got)
	}
	set("", 0, 0)
	click("list")
	if got := body(); got != "<ul>\n<li>Item</li>\n</ul>" || selected() != "Item" {
		t.Errorf("list in HTML: %q, selected %q", got, selected())
	}
}

// TestBrowserPostsBulkTerm: the posts list's name box shows only for the
// tag and category actions, and adding a tag through it works.
func TestBrowserPostsBulkTerm(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Editor)
	e.MustPost(e.MustUser("bo", account.Author), "Bo's post", post.CommentsOpen)
	ctx := bt.New(t)
	browserSignIn(t, ctx, e, "ann", "/admin/posts", `#posts-bulk`)
	visible := func() bool {
		return bt.Get(t, ctx, chromedp.Evaluate[bool](`!document.querySelector("#posts-bulk input[name=term]").hidden`))
	}
	if visible() {
		t.Error("the name box shows for Move to the trash")
	}
	bt.Do(t, ctx, chromedp.SetValue(`#posts-bulk select[name=action]`, "add_tag"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#posts-bulk select[name=action]").dispatchEvent(new Event("change"))`))
	if !visible() {
		t.Fatal("the name box hides for Add the tag")
	}
	bt.Do(t, ctx, chromedp.Click(`#select-all`), chromedp.SendKeys(`#posts-bulk input[name=term]`, "Harbour"),
		chromedp.Click(`#posts-bulk button[type=submit]`), chromedp.WaitVisible(`.flash`))
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); f != "Added the tag “Harbour” to 1 post." {
		t.Errorf("flash %q", f)
	}
}
