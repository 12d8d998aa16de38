"""The printed briefing book of a dialogue, and the name badges and table tent cards of its
participants: paper that delegates of a roundtable work from."""
