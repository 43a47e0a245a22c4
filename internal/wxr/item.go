package wxr

import "encoding/xml"

// readItem reads an <item> whose start was just read.
func (r *Reader) readItem() (*Item, error) {
	it := &Item{}
	err := r.fields(func(ns int, local string, t xml.StartElement) (ok bool, err error) {
		switch ns {
		case nsRSS:
			switch local {
			case "title":
				it.Title, err = r.text()
			case "link":
				it.Link, err = r.trimmed()
			case "guid":
				it.GUID, err = r.trimmed()
			case "category":
				ct := ItemTerm{}
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "domain":
						ct.Domain = a.Value
					case "nicename":
						ct.Nicename = a.Value
					}
				}
				ct.Name, err = r.text()
				it.Categories = append(it.Categories, ct)
			default:
				return false, nil
			}
		case nsDC:
			if local != "creator" {
				return false, nil
			}
			it.Creator, err = r.trimmed()
		case nsContent:
			if local != "encoded" {
				return false, nil
			}
			it.Content, err = r.text()
		case nsExcerpt:
			if local != "encoded" {
				return false, nil
			}
			it.Excerpt, err = r.text()
		case nsWP:
			return r.itemWPField(it, local)
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// itemWPField reads one wp: child of an item.
func (r *Reader) itemWPField(it *Item, local string) (ok bool, err error) {
	switch local {
	case "post_id":
		it.ID, err = r.int64()
	case "post_date":
		it.PostDate, err = r.date()
	case "post_date_gmt":
		it.PostDateGMT, err = r.date()
	case "comment_status":
		it.CommentStatus, err = r.trimmed()
	case "ping_status":
		it.PingStatus, err = r.trimmed()
	case "post_name":
		it.Name, err = r.trimmed()
	case "status":
		it.Status, err = r.trimmed()
	case "post_parent":
		it.ParentID, err = r.int64()
	case "menu_order":
		it.MenuOrder, err = r.int64()
	case "post_type":
		it.PostType, err = r.trimmed()
	case "post_password":
		it.Password, err = r.text()
	case "is_sticky":
		var n int64
		n, err = r.int64()
		it.Sticky = n != 0
	case "attachment_url":
		it.AttachmentURL, err = r.trimmed()
	case "postmeta":
		var m Meta
		m, err = r.meta()
		it.Meta = append(it.Meta, m)
	case "comment":
		var c Comment
		c, err = r.readComment()
		it.Comments = append(it.Comments, c)
	default:
		return false, nil
	}
	return true, err
}

// readComment reads a <wp:comment> whose start was just read.
func (r *Reader) readComment() (Comment, error) {
	var c Comment
	err := r.fields(func(ns int, local string, _ xml.StartElement) (ok bool, err error) {
		if ns != nsWP {
			return false, nil
		}
		switch local {
		case "comment_id":
			c.ID, err = r.int64()
		case "comment_parent":
			c.ParentID, err = r.int64()
		case "comment_author":
			c.Author, err = r.text()
		case "comment_author_email":
			c.AuthorEmail, err = r.trimmed()
		case "comment_author_url":
			c.AuthorURL, err = r.trimmed()
		case "comment_author_IP":
			c.AuthorIP, err = r.trimmed()
		case "comment_date":
			c.Date, err = r.date()
		case "comment_date_gmt":
			c.DateGMT, err = r.date()
		case "comment_content":
			c.Content, err = r.text()
		case "comment_approved":
			c.Approved, err = r.trimmed()
		case "comment_type":
			c.Type, err = r.trimmed()
		case "comment_user_id":
			c.UserID, err = r.int64()
		case "commentmeta":
			var m Meta
			m, err = r.meta()
			c.Meta = append(c.Meta, m)
		default:
			return false, nil
		}
		return true, err
	})
	return c, err
}
