package store

import "context"

// DownOne rolls the newest migration back and returns its version.
func DownOne(ctx context.Context, s *Store) (int64, error) {
	p, closeDB, err := newGoose(s)
	if err != nil {
		return 0, err
	}
	defer closeDB()
	r, err := p.Down(ctx)
	if err != nil {
		return 0, err
	}
	return r.Source.Version, nil
}
