"""Simpul plugin for a regional finance system: is each agency spending its budget on track?"""

__version__ = "0.1.0"
