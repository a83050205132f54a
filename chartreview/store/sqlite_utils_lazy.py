"""sqlite-utils, imported without pulling in pandas.

sqlite-utils imports pandas when it is installed, only to map ``pandas.Timestamp`` to TEXT
in the tables it creates; chartreview hands it no pandas values (schema, migrations and
transactions only). Importing pandas takes 0.13-0.5 s on a 2-core laptop, a quarter to a
third of the window's cold start, and the window needs pandas only once an import or a
scoring run starts (measured with ``python -X importtime``; benchmarks/scale.py). So pandas
is hidden while sqlite-utils is first imported; anything may import pandas afterwards.
"""

from __future__ import annotations

import sys

if "pandas" not in sys.modules and "sqlite_utils" not in sys.modules:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # "import pandas" -> ImportError
    try:
        import sqlite_utils.migrations  # noqa: F401
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["Database", "Migrations"]
