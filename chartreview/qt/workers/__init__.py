"""Qt workers."""
