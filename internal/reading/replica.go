package reading

import (
	"context"
	"time"
)

// Read replicas (DATABASE_REPLICA_URL). A request marked by AllowReplica
// may read from a streaming replica while the replica is usable (its lag
// within bounds, answering); every other read uses the primary. The HTTP
// layer decides which requests may: anonymous page views, not writes, not
// signed-in users, not a browser that wrote moments ago.

// replicaKey marks a request whose reads may go to the replica.
type replicaKey struct{}

// AllowReplica returns ctx marked so that Reader may answer the replica.
func AllowReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, true)
}

// PrimaryOnly returns ctx marked so that Reader answers the primary
// whatever the request may: what a per-node cache keeps until the next
// change must not come from a replica that has not replayed that change.
func PrimaryOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, false)
}

// Reader is the database a public page's reads use: the replica when ctx
// allows it (AllowReplica) and the replica is usable, else the primary.
func (s *Service) Reader(ctx context.Context) DB {
	if ok, _ := ctx.Value(replicaKey{}).(bool); ok && s.replica != nil && s.replica.Usable() {
		return s.replicaDB
	}
	return s.store.Pool
}

// HasReplica reports whether a read replica is configured.
func (s *Service) HasReplica() bool { return s.replica != nil }

// ReplicaMaxLag is how far the replica may lag before reads leave it; 0
// without a replica.
func (s *Service) ReplicaMaxLag() time.Duration {
	if s.replica == nil {
		return 0
	}
	return s.replica.MaxLag
}

// ReplicaLag is the replica's last measured lag behind the primary.
func (s *Service) ReplicaLag() time.Duration {
	if s.replica == nil {
		return 0
	}
	return s.replica.Lag()
}

// ReplicaUsable reports whether reads that may use the replica do now.
func (s *Service) ReplicaUsable() bool { return s.replica != nil && s.replica.Usable() }
