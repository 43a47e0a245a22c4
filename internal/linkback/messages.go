package linkback

// Messages of the Pingback faults a verification (or the receiver) can end in; they match
// WordPress's so that senders' logs read the same.
const (
	MsgSourceNotFound = "The source URL does not exist."
	MsgSourceNoLink   = "The source URL does not contain a link to the target URL, and so cannot be used as a source."
	MsgRegistered     = "The pingback has already been registered."
)
