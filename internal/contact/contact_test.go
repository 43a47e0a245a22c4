package contact

import (
	"strings"
	"testing"

	"quire/internal/apperr"
)

func TestValidate(t *testing.T) {
	m := Message{Name: "  Rita \x00 Reader ", Email: " rita@mail.invalid ", Message: " Hello "}
	m.Normalize()
	if err := m.Validate(); err != nil || m.Name != "Rita Reader" || m.Email != "rita@mail.invalid" || m.Message != "Hello" {
		t.Fatalf("%+v %v", m, err)
	}
	bad := Message{Email: "Rita <rita@mail.invalid>\r\nBcc: x@y.invalid", Message: strings.Repeat("x", MaxMessage+1)}
	e, ok := apperr.As(bad.Validate())
	if !ok || e.Fields["name"] == "" || e.Fields["email"] == "" || e.Fields["message"] == "" {
		t.Errorf("bad message: %+v", e)
	}
}
