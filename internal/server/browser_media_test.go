package server

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/internal/account"
	bt "quire/internal/browsertest"
	"quire/internal/media/mediatest"
)

// TestBrowserMediaJourney: an author uploads a phone photo carrying GPS
// EXIF through the library's form, writes its alt text, sees it listed,
// pastes its HTML into a post and publishes; the post shows a responsive,
// lazy image whose bytes carry no EXIF, and the library lists it as used.
func TestBrowserMediaJourney(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	ctx := bt.New(t)
	photo := filepath.Join(t.TempDir(), "IMG_2041.jpg")
	if err := os.WriteFile(photo, mediatest.WithEXIF(mediatest.JPEG(t, mediatest.Photo(2400, 1600)), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin"),
		chromedp.SetValue(`input[name=login]`, "ann"),
		chromedp.SetValue(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.cards`),
		chromedp.Click(`.cards a[href="/admin/media"]`),
		chromedp.WaitVisible(`#media-upload`),
		chromedp.SetUploadFiles(`#media-upload input[type=file]`, []string{photo}),
		chromedp.SendKeys(`#media-upload input[name=alt]`, "Boats in the harbour at dawn"),
		chromedp.Click(`#media-upload button[type=submit]`),
		chromedp.WaitVisible(`.media-item`),
	)
	if f := bt.Get(t, ctx, chromedp.Text(`.flash`)); !strings.Contains(f, "Uploaded IMG_2041.jpg.") || strings.Contains(f, "Add alt text") {
		t.Errorf("flash %q", f)
	}
	if n := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".media-item .warning").length`)); n != 0 {
		t.Error("alt-text warning shown although alt text was given")
	}
	if alt := bt.Get(t, ctx, chromedp.Value(`.media-item input[name=alt]`)); alt != "Boats in the harbour at dawn" {
		t.Errorf("library alt %q", alt)
	}
	snippet := bt.Get(t, ctx, chromedp.Value(`.media-item textarea.snippet`))
	bt.Screenshot(t, ctx, "library")

	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/admin/posts/new"),
		chromedp.WaitVisible(`#post-form`),
		chromedp.SetValue(`#post-form input[name=title]`, "Morning at the harbour"),
		chromedp.SetValue(`#post-form textarea[name=body]`, "We walked down early.\n\n"+snippet+"\n\nThe boats were still in."),
		chromedp.Click(`#post-form .actions button:not(.secondary)`),
		chromedp.WaitVisible(`.flash`),
		chromedp.Navigate(e.TS.URL+"/posts/morning-at-the-harbour"),
		chromedp.WaitVisible(`.e-content img`),
		chromedp.ScrollIntoView(`.e-content img`),
	)
	// Wait until the browser has picked a candidate and loaded it.
	bt.Get(t, ctx, chromedp.Poll[bool](`document.querySelector(".e-content img").complete && document.querySelector(".e-content img").naturalWidth > 0`))
	type imgInfo struct {
		SrcSet, Sizes, Loading, Alt, Current string
		Width, Height, Natural               int
	}
	img := bt.Get(t, ctx, chromedp.Evaluate[imgInfo](`(() => { const i = document.querySelector(".e-content img");
		return {SrcSet: i.getAttribute("srcset"), Sizes: i.getAttribute("sizes"), Loading: i.getAttribute("loading"), Alt: i.alt,
			Current: i.currentSrc, Width: +i.getAttribute("width"), Height: +i.getAttribute("height"), Natural: i.naturalWidth}; })()`))
	if !strings.Contains(img.SrcSet, " 480w, ") || !strings.Contains(img.SrcSet, " 2400w") || img.Sizes == "" || img.Loading != "lazy" ||
		img.Alt != "Boats in the harbour at dawn" || img.Width != 2400 || img.Height != 1600 || img.Natural == 0 {
		t.Errorf("post image: %+v", img)
	}
	bt.Screenshot(t, ctx, "post")
	res, body := fetch(t, img.Current)
	if res.StatusCode != 200 || bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte(mediatest.GPSMarker)) || hasEXIFSegment(body) {
		t.Errorf("the image the browser shows (%s, %d) keeps EXIF", img.Current, res.StatusCode)
	}

	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/media"), chromedp.WaitVisible(`.media-item`))
	if used := bt.Get(t, ctx, chromedp.Text(`.media-item .media-uses`)); !strings.Contains(used, "Morning at the harbour") {
		t.Errorf("library usage %q", used)
	}
}

// TestBrowserMediaPaste: with JavaScript, an image pasted into the post
// editor's body is uploaded (after asking for its alt text) and its HTML
// inserted at the cursor; an image dropped on the library's form becomes
// the file it sends.
func TestBrowserMediaPaste(t *testing.T) {
	e := newEnv(t)
	e.MustUser("ann", account.Author)
	ctx := bt.New(t)
	bt.Do(t, ctx,
		chromedp.Navigate(e.TS.URL+"/signin"),
		chromedp.SetValue(`input[name=login]`, "ann"),
		chromedp.SetValue(`input[name=password]`, "password123"),
		chromedp.Submit(`#signin-form`),
		chromedp.WaitVisible(`.cards`),
		chromedp.Navigate(e.TS.URL+"/admin/posts/new"),
		chromedp.WaitVisible(`#post-form textarea[name=body]`),
		chromedp.SetValue(`#post-form textarea[name=body]`, "Before.\n"),
	)
	// A red 800×600 PNG made by a canvas, pasted as a file; prompt() is
	// answered by the test.
	const makeImage = `(async () => {
		const c = document.createElement("canvas"); c.width = 800; c.height = 600;
		const g = c.getContext("2d"); g.fillStyle = "#c33"; g.fillRect(0, 0, 800, 600);
		const blob = await new Promise(r => c.toBlob(r, "image/png"));
		const dt = new DataTransfer(); dt.items.add(new File([blob], "red.png", {type: "image/png"}));
		window.__dt = dt; return true; })()`
	bt.Get(t, ctx, chromedp.Evaluate[bool](makeImage, chromedp.EvalAwaitPromise))
	bt.Get(t, ctx, chromedp.Evaluate[bool](`(() => { window.prompt = () => "A red square";
		const ta = document.querySelector("#post-form textarea[name=body]"); ta.focus();
		ta.selectionStart = ta.selectionEnd = ta.value.length;
		return ta.dispatchEvent(new ClipboardEvent("paste", {clipboardData: window.__dt, bubbles: true, cancelable: true})); })()`))
	bt.Get(t, ctx, chromedp.Poll[bool](`document.querySelector(".media-note") && document.querySelector(".media-note").textContent === "Image inserted."`))
	body := bt.Get(t, ctx, chromedp.Value(`#post-form textarea[name=body]`))
	if !strings.HasPrefix(body, "Before.\n\n<img src=\"/media/") || !strings.Contains(body, `alt="A red square"`) || !strings.Contains(body, `width="800" height="600"`) {
		t.Errorf("editor body after paste: %q", body)
	}

	// Drop on the library's form: the file input takes the file.
	bt.Do(t, ctx, chromedp.Navigate(e.TS.URL+"/admin/media"), chromedp.WaitVisible(`#media-upload`))
	bt.Get(t, ctx, chromedp.Evaluate[bool](makeImage, chromedp.EvalAwaitPromise))
	n := bt.Get(t, ctx, chromedp.Evaluate[int](`(() => { const f = document.querySelector("#media-upload");
		f.dispatchEvent(new DragEvent("drop", {dataTransfer: window.__dt, bubbles: true, cancelable: true}));
		return f.querySelector("input[type=file]").files.length; })()`))
	if n != 1 {
		t.Fatalf("dropped file not chosen: %d files", n)
	}
	bt.Do(t, ctx,
		chromedp.SendKeys(`#media-upload input[name=alt]`, "Another red square"),
		chromedp.Click(`#media-upload button[type=submit]`),
		chromedp.WaitVisible(`.flash`),
	)
	if got := bt.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".media-item").length`)); got != 2 {
		t.Errorf("library shows %d images, want the pasted and the dropped one", got)
	}
}
