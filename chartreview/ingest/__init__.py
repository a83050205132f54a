"""Chart files into the project: detect the format, read in chunks, validate, store."""

from chartreview.ingest.formats.common import ImportOptions
from chartreview.ingest.loader import import_file
from chartreview.ingest.normalize import ImportReport
from chartreview.ingest.registry import FORMATS, detect_format

__all__ = ["FORMATS", "ImportOptions", "ImportReport", "detect_format", "import_file"]
