"""Simpul: an integration hub for city governments."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("simpul")
except PackageNotFoundError:
    __version__ = "0.0.0"
