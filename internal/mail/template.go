package mail

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
)

// Templates are the e-mail templates, parsed once. Each file under
// templates/email/ is "Subject: …", a blank line, then the body; both parts
// are text/template with the same data.
type Templates struct {
	t map[string]*template.Template
}

// LoadTemplates parses templates/email/*.txt from fsys (web.FS).
func LoadTemplates(fsys fs.FS) (*Templates, error) {
	files, err := fs.Glob(fsys, "templates/email/*.txt")
	if err != nil {
		return nil, err
	}
	ts := &Templates{t: map[string]*template.Template{}}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		t, err := template.New(f).Option("missingkey=error").Parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", f, err)
		}
		ts.t[strings.TrimSuffix(path.Base(f), ".txt")] = t
	}
	return ts, nil
}

// Render executes template name with data into a Message to to.
func (ts *Templates) Render(name, to string, data any) (Message, error) {
	t, ok := ts.t[name]
	if !ok {
		return Message{}, fmt.Errorf("mail: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return Message{}, fmt.Errorf("mail: rendering %s: %w", name, err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return Message{}, fmt.Errorf("mail: template %s must start with \"Subject: \" and a blank line", name)
	}
	// A subject is one line: user text (a post title) must not add headers.
	subject = strings.Join(strings.Fields(subject), " ")
	return Message{To: to, Subject: subject, Text: strings.TrimLeft(body, "\n")}, nil
}
