"""Anomaly scoring: pure functions over DataFrames (no SQLite, no Qt)."""
