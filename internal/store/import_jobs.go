package store

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// ImportJob is an import started from the admin page (import_jobs).
type ImportJob struct {
	ID        int64
	UserID    int64
	FileName  string
	Size      int64
	Options   json.RawMessage
	State     string // uploading, queued, running, done, failed
	BytesDone int64
	Report    json.RawMessage
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const importJobCols = `id, coalesce(user_id, 0), file_name, size, options, state, bytes_done, report, error, created_at, updated_at`

// ImportChunkSize is the size of the pieces an uploaded file is kept in.
const ImportChunkSize = 1 << 20

// CreateImportJob starts an upload by userID of file with options (JSON).
// Uploads abandoned for a day are dropped here, with their chunks.
func CreateImportJob(ctx context.Context, db DB, userID int64, file string, options []byte) (int64, error) {
	if _, err := db.Exec(ctx, `DELETE FROM import_jobs WHERE state = 'uploading' AND created_at < now() - interval '1 day'`); err != nil {
		return 0, err
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO import_jobs (user_id, file_name, options) VALUES ($1, $2, $3) RETURNING id`,
		userID, file, options).Scan(&id)
	return id, err
}

// AddImportChunk stores piece seq (from 0) of job id's file.
func AddImportChunk(ctx context.Context, db DB, id int64, seq int, data []byte) error {
	_, err := db.Exec(ctx, `INSERT INTO import_chunks (job_id, seq, data) VALUES ($1, $2, $3)`, id, seq, data)
	return err
}

// QueueImportJob marks job id's upload complete, size bytes long.
func QueueImportJob(ctx context.Context, db DB, id, size int64) error {
	_, err := db.Exec(ctx, `UPDATE import_jobs SET state = 'queued', size = $2, updated_at = now() WHERE id = $1`, id, size)
	return err
}

// ImportJobByID returns job id. Returns apperr.ErrNotFound.
func ImportJobByID(ctx context.Context, db DB, id int64) (*ImportJob, error) {
	rows, err := db.Query(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	j, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[ImportJob])
	return j, notFound(err)
}

// ImportJobs lists the latest limit jobs, newest first.
func ImportJobs(ctx context.Context, db DB, limit int) ([]*ImportJob, error) {
	rows, err := db.Query(ctx, `SELECT `+importJobCols+` FROM import_jobs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[ImportJob])
}

// ImportJobProgress records that job id is running, bytesDone into its
// file, with the report so far.
func ImportJobProgress(ctx context.Context, db DB, id, bytesDone int64, report []byte) error {
	_, err := db.Exec(ctx, `UPDATE import_jobs SET state = 'running', bytes_done = $2, report = $3, updated_at = now()
		WHERE id = $1`, id, bytesDone, report)
	return err
}

// FinishImportJob records the outcome (state done or failed) and drops the
// file, which is no longer needed.
func FinishImportJob(ctx context.Context, db DB, id int64, state string, report []byte, msg string) error {
	if report == nil {
		report = []byte("{}")
	}
	if _, err := db.Exec(ctx, `UPDATE import_jobs SET state = $2, report = $3, error = $4, updated_at = now(),
		bytes_done = CASE WHEN $2 = 'done' THEN size ELSE bytes_done END WHERE id = $1`, id, state, report, msg); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `DELETE FROM import_chunks WHERE job_id = $1`, id)
	return err
}

// ImportFile reads job id's uploaded file back, one chunk at a time, so
// memory holds one chunk however large the file.
func ImportFile(ctx context.Context, db DB, id int64) io.ReadCloser {
	return &chunkReader{ctx: ctx, db: db, id: id}
}

type chunkReader struct {
	ctx context.Context
	db  DB
	id  int64
	seq int
	buf []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		err := c.db.QueryRow(c.ctx, `SELECT data FROM import_chunks WHERE job_id = $1 AND seq = $2`, c.id, c.seq).Scan(&c.buf)
		if err == pgx.ErrNoRows {
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		c.seq++
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func (c *chunkReader) Close() error { return nil }

// ImportJobRetry records why an attempt of job id stopped; the job goes
// back to queued for River's next attempt, which resumes the import.
func ImportJobRetry(ctx context.Context, db DB, id int64, msg string) error {
	_, err := db.Exec(ctx, `UPDATE import_jobs SET state = 'queued', error = $2, updated_at = now() WHERE id = $1`, id, msg)
	return err
}
