"""Storage: the SQLite project file. Every SQL statement of chartreview lives here."""

from chartreview.store.db import Project, open_project

__all__ = ["Project", "open_project"]
