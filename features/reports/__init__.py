"""Ward activity reports: kelurahan staff report what they did from a phone, the kecamatan
reviews it, and everyone reads a recap per area. A plugin like any other, loaded by its entry
point: its pages, JSON API, menu items, wall tile, settings and migrations."""
