package media

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names an S3-compatible bucket.
type S3Config struct {
	Endpoint  string // http(s)://host[:port]; the scheme decides TLS
	Bucket    string
	Region    string // "" is us-east-1
	AccessKey string
	SecretKey string
	// PublicURL, when set, is where browsers fetch the bucket's files
	// (a CDN, or the bucket made public); empty serves them through Quire
	// at /media/{name}.
	PublicURL string
}

// S3 stores files in an S3-compatible bucket, for sites that run several
// nodes: every node sees the same files.
type S3 struct {
	c      *minio.Client
	bucket string
	public string
}

// NewS3 connects to the bucket and checks that it exists.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("S3 endpoint %q: want http(s)://host[:port]", cfg.Endpoint)
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
		// Path-style requests work with every S3-compatible server and
		// need no wildcard DNS.
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 client: %w", err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 bucket %q: %w", cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("S3 bucket %q does not exist", cfg.Bucket)
	}
	return &S3{c: c, bucket: cfg.Bucket, public: strings.TrimRight(cfg.PublicURL, "/")}, nil
}

// Put uploads data with its type and a cache lifetime for public buckets.
func (s *S3) Put(ctx context.Context, name string, data []byte, contentType string) error {
	if !ValidName(name) {
		return fmt.Errorf("media: invalid name %q", name)
	}
	_, err := s.c.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType:  contentType,
		CacheControl: CacheControl,
	})
	return err
}

// Open returns the object; its existence is checked now, not at first read.
func (s *S3) Open(ctx context.Context, name string) (Object, error) {
	if !ValidName(name) {
		return nil, ErrNotExist
	}
	obj, err := s.c.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotExist
		}
		return nil, err
	}
	return obj, nil
}

// Delete removes the object; S3 does not complain about missing ones.
func (s *S3) Delete(ctx context.Context, name string) error {
	if !ValidName(name) {
		return fmt.Errorf("media: invalid name %q", name)
	}
	return s.c.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
}

// URL is the public bucket's address when configured, else /media/{name}.
func (s *S3) URL(name string) string {
	if s.public != "" {
		return s.public + "/" + name
	}
	return "/media/" + name
}
