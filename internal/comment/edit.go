package comment

// AfterEdit is an item's status after its content changed and the
// moderation rules judged the new content: the stricter of before and the
// verdict (approved < held < spam), and trash stays trash. An edit never
// promotes: only a moderator approves what was held.
func AfterEdit(before, verdict Status) Status {
	rank := map[Status]int{StatusApproved: 0, StatusHeld: 1, StatusSpam: 2, StatusTrash: 3}
	if rank[verdict] > rank[before] {
		return verdict
	}
	return before
}
