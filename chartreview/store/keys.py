"""Natural keys: how one entry is named the same on every laptop and across re-imports.

``"<chart name, lower case>|<region>|<frequency>|<tracks.norm_key>"``. ``norm_key`` is
the track's identity as the project stores it (unique since schema 4: one song across
Spotify URIs and sources), so it is read from the table, never recomputed here. Local row
ids differ from laptop to laptop; these keys do not. Cases (``store.cases``) and team
review (``store.team``) both name entries with this one function.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chartreview.store.db import Project, select_in

_SELECT = ("SELECT e.id, c.name, c.region, c.frequency, t.norm_key FROM entries e "
           "JOIN charts c ON c.id = e.chart_id JOIN tracks t ON t.id = e.track_id")


def natural_key(chart: str, region: str, frequency: str, norm_key: str) -> str:
    """The key of one entry from its chart's name, region, frequency and track key."""
    return f"{chart.lower()}|{region}|{frequency}|{norm_key}"


def _key(row: Any) -> str:
    return natural_key(row[1], row[2], row[3], row[4])


def natural_keys(project: Project, entry_ids: Iterable[int] | None = None) -> dict[int, str]:
    """entry_id -> natural key, for the given entries (default: every entry); an id
    that is not an entry is left out."""
    if entry_ids is None:
        return {r[0]: _key(r) for r in project.conn.execute(_SELECT)}
    ids = list(dict.fromkeys(entry_ids))
    return {r[0]: _key(r) for r in
            select_in(project.conn, _SELECT + " WHERE e.id IN ({marks})", ids)}


def entries_by_key(project: Project) -> dict[str, int]:
    """natural key -> entry_id for every entry of the project (the way back).

    ``norm_key`` is unique and an entry unique per (chart, track), so two entries share a
    key only when two charts differ by the case of their name alone ("Hot 100" and
    "HOT 100" of one region and frequency); the older entry stands for the key then.
    """
    out: dict[str, int] = {}
    for entry_id, key in sorted(natural_keys(project).items()):
        out.setdefault(key, entry_id)
    return out
