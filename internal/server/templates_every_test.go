package server

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quire/internal/account"
	"quire/internal/theme"
	"quire/web"
)

// pageTypes names the data each page template is executed with, as its
// handler passes it. A new page template needs a line here, or
// TestEveryTemplateRenders fails.
var pageTypes = map[string]any{
	"admin": adminPage{}, "archive": archivePage{}, "audit": auditPage{}, "comment_edit": commentEditPage{}, "comment_correct": commentCorrectPage{},
	"comment_form": commentErrorPage{}, "discussion": discussionPage{}, "editor": editorPage{}, "error": errorPage{},
	"guest_author": guestAuthorPage{}, "guest_form": guestFormPage{}, "guest_list": guestListPage{},
	"guest_review": guestReviewPage{}, "guest_status": guestStatusPage{}, "import": importPage{},
	"import_job": importJobPage{}, "invite": invitePage{}, "media": mediaPage{}, "member_newsletter": memberNewsletterPage{},
	"message": messagePage{}, "moderation": queuePage{}, "myposts": myPostsPage{}, "newsletter": newsletterPageData{},
	"newsletter_data": newsletterDataPageData{}, "outbox": outboxPage{}, "page": pageView{}, "pages": pagesPage{},
	"passkeys": passkeysPage{}, "password": passwordPage{}, "post": postPage{}, "posts": listPage{},
	"preview": previewPage{}, "privacy": privacyPage{}, "profile": profilePage{}, "revision": revisionPage{}, "revisions": revisionsPage{},
	"search": searchPage{}, "settings": settingsPage{}, "setup": setupPage{}, "signin": signinPage{},
	"signup": signupPage{}, "signup_confirm": confirmPage{}, "subscribers": subscribersPageData{},
	"termlist": termListPage{}, "terms": termsPage{}, "themes": themesPage{}, "twofactor": twoFactorPage{}, "users": usersPage{},
	"webmention": webmentionStatusPage{},
}

// signedInOnly are the pages whose handlers serve only a signed-in user
// (the /admin pages): they are not executed for an anonymous reader.
var signedInOnly = map[string]bool{
	"admin": true, "audit": true, "comment_correct": true, "discussion": true, "editor": true, "guest_list": true, "guest_review": true,
	"import": true, "import_job": true, "invite": true, "media": true, "member_newsletter": true, "moderation": true,
	"myposts": true, "outbox": true, "pages": true, "passkeys": true, "preview": true, "privacy": true, "profile": true,
	"revision": true, "revisions": true, "settings": true, "subscribers": true, "terms": true, "themes": true, "users": true,
}

// TestEveryTemplateRenders executes every page template (Templates.Names)
// in both layouts, with the theme check's sample data where it has a page
// and, for every page, with its handler's data type filled in throughout
// (every slice one element long, every pointer set, every flag true) both
// for a signed-in admin and, on pages that do not need one, for an
// anonymous reader. A template that
// names a field its data lacks fails here, not in front of a reader.
func TestEveryTemplateRenders(t *testing.T) {
	tpl, err := LoadTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := renderEvery(tpl); err != nil {
		t.Fatal(err)
	}

	// The check itself must catch a field the data lacks, at the top of a
	// page and inside a range over the page's rows.
	for name, src := range map[string]string{
		"top level":    `{{define "content"}}<p>{{.NoSuchField}}</p>{{end}}`,
		"inside range": `{{define "content"}}{{range .Mail}}<p>{{.Subject}} {{.NoSuchField}}</p>{{end}}{{end}}`,
	} {
		t.Run("broken "+name, func(t *testing.T) {
			top := fstest.MapFS{"templates/pages/outbox.html": {Data: []byte(src)}}
			broken, err := LoadTemplates(theme.Overlay{Top: top, Base: web.FS})
			if err != nil {
				t.Fatal(err)
			}
			err = renderEvery(broken)
			if err == nil || !strings.Contains(err.Error(), "outbox") || !strings.Contains(err.Error(), "NoSuchField") {
				t.Fatalf("a template naming a missing field passed: %v", err)
			}
		})
	}

	// And a page template without data to render it with is a failure.
	t.Run("unknown page", func(t *testing.T) {
		top := fstest.MapFS{"templates/pages/brand_new.html": {Data: []byte(`{{define "content"}}{{end}}`)}}
		extra, err := LoadTemplates(theme.Overlay{Top: top, Base: web.FS})
		if err != nil {
			t.Fatal(err)
		}
		if err := renderEvery(extra); err == nil || !strings.Contains(err.Error(), "brand_new") {
			t.Fatalf("a page without sample data passed: %v", err)
		}
	})
}

// renderEvery renders every page of tpl as TestEveryTemplateRenders says
// and returns every failure, joined.
func renderEvery(tpl *Templates) error {
	samples := sampleData()
	names := tpl.Names()
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		zero, ok := pageTypes[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no sample data (add it to pageTypes)", name))
			continue
		}
		datas := map[string]any{"admin": filled(zero, true)}
		if !signedInOnly[name] {
			datas["anonymous"] = filled(zero, false)
		}
		if s, ok := samples[name]; ok {
			datas["theme check sample"] = s
		}
		for _, layout := range []string{"layout", "adminlayout"} {
			for what, data := range datas {
				if _, err := tpl.RenderIn(layout, name, data); err != nil {
					errs = append(errs, fmt.Errorf("%s in %s with %s data: %w", name, layout, what, err))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// filled returns a copy of zero (a page data struct) with every exported
// field filled (fill); signedIn false takes the page's user away.
func filled(zero any, signedIn bool) any {
	v := reflect.New(reflect.TypeOf(zero)).Elem()
	fill(v, 0)
	if !signedIn {
		if u := v.FieldByName("User"); u.IsValid() && u.CanSet() {
			u.Set(reflect.Zero(u.Type()))
		}
	}
	return v.Interface()
}

// fillDepth bounds recursive types (a comment's replies).
const fillDepth = 7

var (
	sampleTime = time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	timeType   = reflect.TypeOf(time.Time{})
	roleType   = reflect.TypeOf(account.Role(""))
)

// fill sets v to a plausible value: text "sample", numbers 2, flags true,
// times one fixed instant, roles admin (so every permission-guarded part
// of a page runs), one element in every slice and map, and every pointer
// set, down to fillDepth. Functions, channels and interfaces stay nil.
func fill(v reflect.Value, depth int) {
	if depth > fillDepth || !v.CanSet() {
		return
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(sampleTime))
		return
	case v.Type() == roleType:
		v.Set(reflect.ValueOf(account.Admin))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("sample")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(2)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(2)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(2.5)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	}
}
