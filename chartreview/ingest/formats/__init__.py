"""One module per source format, each with ``NAME``, ``LABEL``, ``sniff`` and ``read``."""
