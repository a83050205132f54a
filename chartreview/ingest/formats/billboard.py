"""Billboard weekly charts: the two public CSV layouts and the JSON archive layout.

* ``chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart``
  (the mhollingshead/billboard-hot-100 archive flattened to CSV)
* ``chart_week,current_week,title,performer,last_week,peak_pos,wks_on_chart``
  (utdata/rwd-billboard-data)
* JSON ``{"date": ..., "data": [{song, artist, this_week, ...}]}`` or a list of those.

An empty ``last_week`` means a debut *or* a re-entry; it is kept empty.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chartreview.domain import IngestError
from chartreview.ingest.formats.common import (
    ChartDefaults,
    ImportOptions,
    csv_chunks,
    rename,
)
from chartreview.ingest.source import ByteCounter, Source

if TYPE_CHECKING:
    import pandas as pd

LAYOUTS = {
    "hot100_archive": {
        "chart_date": "date", "this_week": "rank", "song": "title", "artist": "artist",
        "last_week": "last_rank", "peak_position": "peak", "weeks_on_chart": "weeks",
    },
    "rwd": {
        "chart_week": "date", "current_week": "rank", "title": "title", "performer": "artist",
        "last_week": "last_rank", "peak_pos": "peak", "wks_on_chart": "weeks",
    },
}
JSON_FIELDS = {
    "song": "title", "artist": "artist", "this_week": "rank", "last_week": "last_rank",
    "peak_position": "peak", "weeks_on_chart": "weeks",
}


def chart_from_name(file_name: str) -> str | None:
    n = file_name.lower()
    if re.search(r"hot[-_ ]?100", n):
        return "Hot 100"
    if re.search(r"(billboard|bb)[-_ ]?200", n):
        return "Billboard 200"
    return None


def defaults(src: Source, opts: ImportOptions) -> ChartDefaults:
    name = opts.chart or chart_from_name(src.path.name)
    if name is None:
        raise IngestError(
            f"{src.path.name} is a Billboard chart, but which one is not in the file; "
            "pass --chart NAME (for example --chart 'Hot 100')."
        )
    return ChartDefaults(name, opts.region or "us", opts.frequency or "weekly", "billboard")


class BillboardCSV:
    NAME = "billboard-csv"
    LABEL = "Billboard weekly chart (CSV)"

    @staticmethod
    def sniff(src: Source) -> bool:
        cols = set(src.columns)
        return src.kind == "csv" and any(set(layout) <= cols for layout in LAYOUTS.values())

    defaults = staticmethod(defaults)

    @staticmethod
    def read(src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        cols = set(src.columns)
        layout = next(v for v in LAYOUTS.values() if set(v) <= cols)
        for chunk in csv_chunks(src, opts, counter):
            yield rename(chunk, layout)


SCALARS = (str, int, float, bool, type(None))
NESTED = "a field holds a list or an object where a value belongs"


class BillboardJSON:
    NAME = "billboard-json"
    LABEL = "Billboard weekly chart (JSON)"

    @staticmethod
    def sniff(src: Source) -> bool:
        return src.kind == "json" and '"this_week"' in src.head

    defaults = staticmethod(defaults)

    @staticmethod
    def read(src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        import pandas as pd

        with src.open_text(counter) as f:
            try:
                doc: Any = json.load(f)
            except ValueError as e:
                raise IngestError(f"{src.path.name} is not valid JSON: {e}.") from e
        charts = doc if isinstance(doc, list) else [doc]
        rows: list[dict[str, Any]] = []
        nested: list[int] = []  # rows with a list or object where a value belongs
        line = 0

        def chunk() -> pd.DataFrame:
            frame = pd.DataFrame(rows)
            frame.attrs["rejected"] = [(NESTED, list(nested))]
            rows.clear()
            nested.clear()
            return frame

        for chart in charts:
            if not isinstance(chart, dict) or not isinstance(chart.get("data"), list):
                raise IngestError(
                    f"{src.path.name}: expected {{\"date\": ..., \"data\": [...]}} charts."
                )
            date = chart.get("date")
            for item in chart["data"]:
                line += 1
                row = {dst: item.get(k) for k, dst in JSON_FIELDS.items()} if isinstance(
                    item, dict) else {}
                if not isinstance(date, SCALARS) or not all(
                        isinstance(v, SCALARS) for v in row.values()):
                    nested.append(line)
                    continue
                row["date"] = date
                row["line"] = line
                rows.append(row)
                if len(rows) >= opts.chunk_rows:
                    yield chunk()
        if rows or nested:
            yield chunk()
