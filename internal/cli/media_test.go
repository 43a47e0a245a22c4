package cli

import (
	"context"
	"strings"
	"testing"

	"quire/internal/config"
	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// TestMediaStorage: QUIRE_MEDIA_STORE=s3 connects to the bucket (versitygw
// on loopback) before serving, and a wrong bucket stops the start with a
// message naming the setting; local leaves the server its default.
func TestMediaStorage(t *testing.T) {
	ctx := context.Background()
	if st, err := mediaStorage(ctx, config.Config{MediaStore: "local"}); st != nil || err != nil {
		t.Errorf("local: %v, %v", st, err)
	}
	endpoint := mediatest.VersityGW(t, "quire")
	cfg := config.Config{MediaStore: "s3", S3: config.S3Media{Endpoint: endpoint, Bucket: "quire", Region: "us-east-1",
		AccessKey: mediatest.AccessKey, SecretKey: mediatest.SecretKey}}
	st, err := mediaStorage(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*media.S3); !ok {
		t.Errorf("got %T", st)
	}
	cfg.S3.Bucket = "nope"
	if _, err := mediaStorage(ctx, cfg); err == nil || !strings.Contains(err.Error(), "QUIRE_MEDIA_STORE=s3") {
		t.Errorf("missing bucket: %v", err)
	}
}
