"""Simpul plugin for Pos Pantau Banjir."""
