package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestLoggerFormatsAndQuietLibraries(t *testing.T) {
	var b bytes.Buffer
	log := makeLogger(&b, "info", "text")
	log.Info("listening", "addr", "127.0.0.1:8080")
	log.Info("producer: Producer job counts", "queue", "default")
	log.Warn("producer: something broke")
	out := b.String()
	if !strings.Contains(out, "level=INFO msg=listening addr=127.0.0.1:8080") || strings.Contains(out, "{") {
		t.Errorf("text line: %q", out)
	}
	if strings.Contains(out, "job counts") || !strings.Contains(out, "something broke") {
		t.Errorf("library info not demoted, or its warning lost: %q", out)
	}
	b.Reset()
	makeLogger(&b, "debug", "auto").Info("producer: Producer job counts") // a buffer is no terminal: JSON
	if !strings.HasPrefix(b.String(), "{") || !strings.Contains(b.String(), `"level":"DEBUG"`) {
		t.Errorf("auto on a pipe, at debug: %q", b.String())
	}
}
