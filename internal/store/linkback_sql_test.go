package store

// AcceptLinkbackSQL is acceptLinkbackSQL, for the plan test of the
// external test package.
const AcceptLinkbackSQL = acceptLinkbackSQL

// AcceptNewLinkbackSQL is acceptNewLinkbackSQL, for the same test.
const AcceptNewLinkbackSQL = acceptNewLinkbackSQL
