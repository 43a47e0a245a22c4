package store

// AcceptLinkbackSQL is acceptLinkbackSQL, for the plan test of the
// external test package.
const AcceptLinkbackSQL = acceptLinkbackSQL

// AcceptNewLinkbackSQL is acceptNewLinkbackSQL, for the same test.
const AcceptNewLinkbackSQL = acceptNewLinkbackSQL

// AcceptNewLinkbacksSQL is acceptNewLinkbacksSQL, for the same test.
const AcceptNewLinkbacksSQL = acceptNewLinkbacksSQL

// PendingLinkbacksSQL is pendingLinkbacksSQL, for the same test.
const PendingLinkbacksSQL = pendingLinkbacksSQL
