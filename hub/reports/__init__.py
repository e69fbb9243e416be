"""Ward activity reports: kelurahan staff upload what they did, the kecamatan reviews it, and
everyone reads a recap per area. A feature of the hub, registered through the plugin hooks."""
