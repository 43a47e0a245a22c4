package moderation

// DecideEdit judges the new content of an item that was already decided.
// When a moderator (or the rules) approved it, the reasons about who sent
// it are settled — a first comment, a held linkback, a members-only post,
// a form sent fast, a busy address — and only what the new text says
// counts: the blocklist, a duplicate, too many links. An item not yet
// approved is judged in full.
func DecideEdit(s Settings, in Input, approved bool) Verdict {
	v := Decide(s, in)
	if !approved {
		return v
	}
	out := Verdict{Action: Approve}
	for _, r := range v.Reasons {
		switch r.Code {
		case ReasonFirstComment, ReasonLinkbackHold, ReasonMembersOnly, ReasonTooFast, ReasonRateLimited, ReasonGuestPost:
			continue
		}
		out.Reasons = append(out.Reasons, r)
		if r.Action.severity() > out.Action.severity() {
			out.Action = r.Action
		}
	}
	return out
}
