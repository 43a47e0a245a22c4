package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"quire/internal/store"
)

// TestRowDest: the posts' and comments' reads scan by position
// (postRow.dest, commentRow.dest), so the order of the targets must be
// the order of the columns. Each target must be the field
// pgx.RowToStructByName would fill from that column: its db tag, or its
// name matched to the column's without underscores.
func TestRowDest(t *testing.T) {
	s := storetestNew(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		sql  string
		dest func() (any, []any)
	}{
		{"postCols", `SELECT ` + store.PostCols + ` FROM posts p JOIN users u ON u.id = p.author_id LIMIT 0`, store.PostDest},
		{"readPostSQL", store.ReadPostSQL, store.ReadPostDest},
		{"commentCols", `SELECT ` + store.CommentColsSQL + ` FROM comments c LIMIT 0`, store.CommentDest},
		{"threadCols", `SELECT ` + store.ThreadColsSQL + ` FROM comments c LIMIT 0`, store.CommentDest},
	} {
		var args []any
		if strings.Contains(c.sql, "$1") {
			args = append(args, "no-such-post")
		}
		rows, err := s.Pool.Query(ctx, c.sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		cols := rows.FieldDescriptions()
		rows.Close()
		row, dest := c.dest()
		names := fieldNames(reflect.ValueOf(row).Elem(), map[uintptr]string{})
		if len(dest) != len(cols) {
			t.Fatalf("%s: %d scan targets for %d columns", c.name, len(dest), len(cols))
		}
		for i, d := range dest {
			name, ok := names[reflect.ValueOf(d).Pointer()]
			col := cols[i].Name
			if !ok || name != col && name != strings.ReplaceAll(col, "_", "") {
				t.Errorf("%s: column %d is %q, its target %q", c.name, i, col, name)
			}
		}
	}
}

// fieldNames maps the address of each field of the struct v (embedded
// structs' fields included) to the name RowToStructByName matches to a
// column: the db tag, else the lower-cased field name.
func fieldNames(v reflect.Value, out map[uintptr]string) map[uintptr]string {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			fieldNames(v.Field(i), out)
			continue
		}
		name := strings.ToLower(f.Name)
		if tag := f.Tag.Get("db"); tag != "" {
			name = tag
		}
		out[v.Field(i).Addr().Pointer()] = name
	}
	return out
}
