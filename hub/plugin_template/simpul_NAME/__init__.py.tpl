"""Simpul plugin for ${title}."""
