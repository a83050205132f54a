"""chartreview: review music charts for manipulated and machine-made entries.

Importing this package must stay cheap: no Qt, no pandas.
"""

__version__ = "0.1.0"
