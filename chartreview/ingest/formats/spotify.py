"""Spotify chart downloads.

* charts.spotify.com: ``rank,uri,artist_names,track_name,source,peak_rank,previous_rank,
  weeks_on_chart,streams`` (BOM, quoted numbers, ``previous_rank`` -1 for new entries),
  dated and placed by the file name ``regional-<region>-<daily|weekly>-<date>.csv``.
* spotifycharts.com (legacy): an optional note line, then ``Position,Track Name,Artist,
  Streams,URL`` (Viral 50 without Streams); the date only in the file name, if at all.
* Per-row dated exports: ``track_position,track_name,artist_name,stream_count,track_url,
  region_name,date`` (Viral 50 without ``stream_count``) and the Kaggle layout
  ``title,rank,date,artist,url,region,chart,trend,streams``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from chartreview.domain import IngestError
from chartreview.ingest.formats.common import (
    ChartDefaults,
    ImportOptions,
    csv_chunks,
    date_from_name,
    frequency_from_name,
    region_from_name,
    rename,
    spotify_id,
)
from chartreview.ingest.normalize import per_unique
from chartreview.ingest.source import ByteCounter, Source

if TYPE_CHECKING:
    import pandas as pd

TOP200 = "Spotify Top 200"
VIRAL50 = "Spotify Viral 50"
KAGGLE_CHARTS = {"top200": TOP200, "viral50": VIRAL50}


def _chart_from_name(file_name: str, has_streams: bool) -> str:
    n = file_name.lower()
    if "viral" in n:
        return VIRAL50
    if "top200" in n or "regional" in n or has_streams:
        return TOP200
    return VIRAL50


def _with_file_date(src: Source, opts: ImportOptions, frame: pd.DataFrame) -> pd.DataFrame:
    date = opts.date or date_from_name(src.path.name)
    if date is None:
        raise IngestError(
            f"{src.path.name} has no date inside it or in its name; pass --date YYYY-MM-DD."
        )
    frame["date"] = date
    return frame


def _extra(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    present = [c for c in columns if c in frame]
    if len(present) == 1:  # a few distinct values over many rows: write each once
        codes, uniques = pd.factorize(frame[present[0]], use_na_sentinel=False)
        sub = pd.DataFrame({present[0]: uniques})
        done = np.array(sub.to_json(orient="records", lines=True, force_ascii=False)
                        .splitlines(), dtype=object)
        frame["extra"] = done[codes]
    elif present:
        sub = frame[present]
        frame["extra"] = sub.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    return frame


class SpotifyCharts:
    NAME = "spotify-charts"
    LABEL = "charts.spotify.com download (CSV)"
    COLUMNS = {
        "rank": "rank", "artist_names": "artist", "track_name": "title", "peak_rank": "peak",
        "previous_rank": "last_rank", "weeks_on_chart": "weeks", "streams": "streams",
    }

    @staticmethod
    def sniff(src: Source) -> bool:
        return src.kind == "csv" and {"rank", "uri", "artist_names", "track_name"} <= set(
            src.columns)

    @staticmethod
    def defaults(src: Source, opts: ImportOptions) -> ChartDefaults:
        return ChartDefaults(
            opts.chart or _chart_from_name(src.path.name, "streams" in src.columns),
            opts.region or region_from_name(src.path.name) or "global",
            opts.frequency or frequency_from_name(src.path.name) or "weekly",
            "spotify",
        )

    @classmethod
    def read(cls, src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        for chunk in csv_chunks(src, opts, counter):
            chunk["spotify_id"] = spotify_id(chunk["uri"])
            chunk = _extra(chunk, ["source"])
            yield _with_file_date(src, opts, rename(chunk, cls.COLUMNS))


class SpotifyLegacy:
    NAME = "spotifycharts-legacy"
    LABEL = "spotifycharts.com download (CSV)"
    COLUMNS = {"position": "rank", "track name": "title", "artist": "artist",
               "streams": "streams"}

    @staticmethod
    def sniff(src: Source) -> bool:
        return src.kind == "csv" and {"position", "track name", "artist"} <= set(src.columns)

    @staticmethod
    def defaults(src: Source, opts: ImportOptions) -> ChartDefaults:
        return ChartDefaults(
            opts.chart or _chart_from_name(src.path.name, "streams" in src.columns),
            opts.region or region_from_name(src.path.name) or "global",
            opts.frequency or frequency_from_name(src.path.name) or "daily",
            "spotify",
        )

    @classmethod
    def read(cls, src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        for chunk in csv_chunks(src, opts, counter):
            url = next((c for c in chunk.columns if c.lower() == "url"), None)
            if url:
                chunk["spotify_id"] = spotify_id(chunk[url])
            yield _with_file_date(src, opts, rename(chunk, cls.COLUMNS))


class DatedRows:
    NAME = "spotify-dated-rows"
    LABEL = "Spotify chart export with a date on every row (CSV)"
    HIPSTER = {
        "track_position": "rank", "track_name": "title", "artist_name": "artist",
        "stream_count": "streams", "region_name": "region", "date": "date",
    }
    KAGGLE = {
        "rank": "rank", "title": "title", "artist": "artist", "streams": "streams",
        "region": "region", "date": "date", "chart": "chart",
    }

    @staticmethod
    def _layout(src: Source) -> dict[str, str] | None:
        cols = set(src.columns)
        if {"track_position", "track_name", "artist_name", "date"} <= cols:
            return DatedRows.HIPSTER
        if {"title", "rank", "date", "artist", "url", "region", "chart"} <= cols:
            return DatedRows.KAGGLE
        return None

    @staticmethod
    def sniff(src: Source) -> bool:
        return src.kind == "csv" and DatedRows._layout(src) is not None

    @staticmethod
    def defaults(src: Source, opts: ImportOptions) -> ChartDefaults:
        has_streams = "stream_count" in src.columns or "streams" in src.columns
        return ChartDefaults(
            opts.chart or _chart_from_name(src.path.name, has_streams),
            opts.region or region_from_name(src.path.name) or "global",
            opts.frequency or frequency_from_name(src.path.name),  # else from the dates
            "spotify",
        )

    @classmethod
    def read(cls, src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        layout = cls._layout(src)
        assert layout is not None
        for chunk in csv_chunks(src, opts, counter):
            url = "track_url" if "track_url" in chunk else "url"
            if url in chunk:
                chunk["spotify_id"] = spotify_id(chunk[url])
            chunk = _extra(chunk, ["trend"])
            chunk = rename(chunk, layout)
            if "chart" in chunk:
                chunk["chart"] = per_unique(chunk["chart"], lambda s: s.map(
                    lambda c: KAGGLE_CHARTS.get(str(c), c)))
            if "region" in chunk:
                chunk["region"] = per_unique(chunk["region"], lambda s: s.str.strip().str.lower())
            yield chunk
