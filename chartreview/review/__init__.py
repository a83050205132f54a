"""Review state: verdicts, notes, tags, the event log and the review queue (no Qt)."""
