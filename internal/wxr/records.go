package wxr

import "encoding/xml"

// The readers of the channel's header records. Each is called after the
// record's start element and consumes it to its end.

func (r *Reader) readAuthor() (*Author, error) {
	a := &Author{}
	return a, r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		if ns != nsWP {
			return false, nil
		}
		switch local {
		case "author_id":
			a.ID, err = r.int64()
		case "author_login":
			a.Login, err = r.trimmed()
		case "author_email":
			a.Email, err = r.trimmed()
		case "author_display_name":
			a.DisplayName, err = r.text()
		case "author_first_name":
			a.FirstName, err = r.text()
		case "author_last_name":
			a.LastName, err = r.text()
		default:
			return false, nil
		}
		return true, err
	})
}

func (r *Reader) readCategory() (*Category, error) {
	c := &Category{}
	return c, r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		if ns != nsWP {
			return false, nil
		}
		switch local {
		case "term_id":
			c.TermID, err = r.int64()
		case "category_nicename":
			c.Nicename, err = r.trimmed()
		case "category_parent":
			c.Parent, err = r.trimmed()
		case "cat_name":
			c.Name, err = r.text()
		case "category_description":
			c.Description, err = r.text()
		case "termmeta":
			var m Meta
			m, err = r.meta()
			c.Meta = append(c.Meta, m)
		default:
			return false, nil
		}
		return true, err
	})
}

func (r *Reader) readTag() (*Tag, error) {
	t := &Tag{}
	return t, r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		if ns != nsWP {
			return false, nil
		}
		switch local {
		case "term_id":
			t.TermID, err = r.int64()
		case "tag_slug":
			t.Slug, err = r.trimmed()
		case "tag_name":
			t.Name, err = r.text()
		case "tag_description":
			t.Description, err = r.text()
		case "termmeta":
			var m Meta
			m, err = r.meta()
			t.Meta = append(t.Meta, m)
		default:
			return false, nil
		}
		return true, err
	})
}

func (r *Reader) readTerm() (*Term, error) {
	t := &Term{}
	return t, r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		if ns != nsWP {
			return false, nil
		}
		switch local {
		case "term_id":
			t.TermID, err = r.int64()
		case "term_taxonomy":
			t.Taxonomy, err = r.trimmed()
		case "term_slug":
			t.Slug, err = r.trimmed()
		case "term_parent":
			t.Parent, err = r.trimmed()
		case "term_name":
			t.Name, err = r.text()
		case "term_description":
			t.Description, err = r.text()
		case "termmeta":
			var m Meta
			m, err = r.meta()
			t.Meta = append(t.Meta, m)
		default:
			return false, nil
		}
		return true, err
	})
}
