package library

import (
	"errors"
	"io"
	"net/http"

	"quire/internal/apperr"
	"quire/internal/media"
)

// Form is an upload as both the page and the API send it: a
// multipart/form-data body with a "file" part and optional "alt" and
// "caption" fields.
type Form struct {
	Filename string // as the client named it; shown, never trusted
	Data     []byte
	Alt      string
	Caption  string
}

// maxField bounds the text fields of an upload form.
const maxField = 16 << 10

// ReadForm streams r's multipart body into a Form, holding at most
// maxBytes of file in memory (nothing is written to disk) and refusing a
// larger file with a message that names the limit. On error the Form holds
// what was read, so a page can show the text fields again.
// Errors: apperr.Invalid, apperr.TooLarge.
func ReadForm(r *http.Request, maxBytes int64) (*Form, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return &Form{}, apperr.Wrap(err, apperr.Invalid, "Send the image as multipart/form-data, in a field named file.")
	}
	f := &Form{}
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, readErr(err, maxBytes)
		}
		switch part.FormName() {
		case "file":
			if seen {
				return f, apperr.New(apperr.Invalid, "Send one image at a time.")
			}
			seen = true
			f.Filename = part.FileName()
			if f.Data, err = io.ReadAll(io.LimitReader(part, maxBytes+1)); err != nil {
				return f, readErr(err, maxBytes)
			}
			if int64(len(f.Data)) > maxBytes {
				return f, tooLarge(maxBytes)
			}
		case "alt", "caption":
			b, err := io.ReadAll(io.LimitReader(part, maxField))
			if err != nil {
				return f, readErr(err, maxBytes)
			}
			if part.FormName() == "alt" {
				f.Alt = string(b)
			} else {
				f.Caption = string(b)
			}
		}
		part.Close()
	}
	if !seen || (len(f.Data) == 0 && f.Filename == "") {
		return f, apperr.FieldErrors("Choose an image file to upload.", map[string]string{"file": "Choose an image file to upload."})
	}
	return f, nil
}

func tooLarge(maxBytes int64) error {
	return apperr.New(apperr.TooLarge, "The file is larger than %s, the upload limit.", media.Size(maxBytes))
}

// readErr turns a body that went past the request limit into the same
// message as a file past the upload limit.
func readErr(err error, maxBytes int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(maxBytes)
	}
	return apperr.Wrap(err, apperr.Invalid, "The upload could not be read; please send it again.")
}

// BodyLimit is the request body limit for an upload of at most maxBytes:
// the file plus room for the form's other fields and multipart framing.
func BodyLimit(maxBytes int64) int64 { return maxBytes + 2*maxField + 16<<10 }
