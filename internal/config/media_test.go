package config

import (
	"io"
	"strings"
	"testing"
)

func TestMediaSettings(t *testing.T) {
	c, _, err := Load("t", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.MediaMaxBytes != 10<<20 || c.MediaMaxPixels != 50_000_000 || c.MediaStore != "local" {
		t.Errorf("media defaults: %d bytes, %d pixels, %q", c.MediaMaxBytes, c.MediaMaxPixels, c.MediaStore)
	}
	c, _, err = Load("t", []string{"--media-max-mb", "3", "--s3-secret-key", "s3cret"}, env(map[string]string{
		"QUIRE_MEDIA_STORE": "S3", "QUIRE_S3_ENDPOINT": "http://127.0.0.1:7070/", "QUIRE_S3_BUCKET": "media",
		"QUIRE_S3_ACCESS_KEY": "key", "QUIRE_S3_PUBLIC_URL": "https://cdn.example/m/",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := S3Media{Endpoint: "http://127.0.0.1:7070", Bucket: "media", Region: "us-east-1", AccessKey: "key", SecretKey: "s3cret", PublicURL: "https://cdn.example/m"}
	if c.MediaMaxBytes != 3<<20 || c.MediaStore != "s3" || c.S3 != want {
		t.Errorf("parsed %d %q %+v", c.MediaMaxBytes, c.MediaStore, c.S3)
	}
	tests := []struct {
		env  map[string]string
		want []string // variables the error must name
	}{
		{map[string]string{"QUIRE_MEDIA_MAX_MB": "0"}, []string{"QUIRE_MEDIA_MAX_MB"}},
		{map[string]string{"QUIRE_MEDIA_MAX_MB": "ten"}, []string{"QUIRE_MEDIA_MAX_MB"}},
		{map[string]string{"QUIRE_MEDIA_MAX_MEGAPIXELS": "1000"}, []string{"QUIRE_MEDIA_MAX_MEGAPIXELS"}},
		{map[string]string{"QUIRE_MEDIA_STORE": "ftp"}, []string{"QUIRE_MEDIA_STORE"}},
		{map[string]string{"QUIRE_MEDIA_STORE": "s3"}, []string{"QUIRE_S3_ENDPOINT", "QUIRE_S3_BUCKET", "QUIRE_S3_ACCESS_KEY", "QUIRE_S3_SECRET_KEY"}},
		{map[string]string{"QUIRE_S3_PUBLIC_URL": "cdn.example"}, []string{"QUIRE_S3_PUBLIC_URL"}},
	}
	for _, tt := range tests {
		_, _, err := Load("t", nil, env(tt.env), io.Discard)
		for _, v := range tt.want {
			if err == nil || !strings.Contains(err.Error(), v) {
				t.Errorf("%v: error %v should name %s", tt.env, err, v)
			}
		}
	}
}
