"""Simpul plugin for Qlue, Jakarta's citizen complaint app: connector, normalizer, simulator."""

__version__ = "0.1.0"
