"""Reports and exports of findings (no Qt; the PDF step lives in chartreview.qt)."""
