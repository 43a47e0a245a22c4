package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestTemplates(t *testing.T) {
	fs := fstest.MapFS{
		"templates/email/hello.txt": {Data: []byte("Subject: Hi {{.Name}}\n\nHello {{.Name}},\nbye.\n")},
		"templates/email/bad.txt":   {Data: []byte("No subject line {{.Name}}\n")},
	}
	ts, err := LoadTemplates(fs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ts.Render("hello", "a@mail.invalid", map[string]string{"Name": "Ann\r\nBcc: evil@mail.invalid"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Hi Ann Bcc: evil@mail.invalid" || !strings.HasPrefix(m.Text, "Hello Ann") || m.To != "a@mail.invalid" {
		t.Errorf("rendered %+v", m)
	}
	if _, err := ts.Render("bad", "a@mail.invalid", map[string]string{"Name": "x"}); err == nil {
		t.Error("template without subject rendered")
	}
	if _, err := ts.Render("missing", "a@mail.invalid", nil); err == nil {
		t.Error("missing template rendered")
	}
}

// fakeSMTP accepts one message on a loopback port and returns what it got.
func fakeSMTP(t *testing.T) (addr string, got chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
		say("220 fake ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					say("250 queued")
					got <- data.String()
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
			case "EHLO", "HELO":
				say("250-fake")
				say("250 8BITMIME")
			case "DATA":
				inData = true
				say("354 go on")
			case "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTP(t *testing.T) {
	addr, got := fakeSMTP(t)
	s, err := NewSMTP("smtp://"+addr+"?from=blog@mail.invalid", "ignored@mail.invalid")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), Message{To: "rita@mail.invalid", Subject: "New reply", Text: "Hello\nthere",
		Headers: map[string]string{"List-Unsubscribe": "<http://blog.invalid/u>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	msg := <-got
	for _, want := range []string{"From: <blog@mail.invalid>", "To: <rita@mail.invalid>", "Subject: New reply",
		"List-Unsubscribe: <http://blog.invalid/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Hello"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if _, err := NewSMTP("smtp://host:notaport", ""); err == nil {
		t.Error("bad port accepted")
	}
}
