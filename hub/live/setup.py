"""The live room: wall screens that stay current by themselves.

Plugins contribute widgets (:mod:`hub.widgets`) through the ``register_widgets`` hook and default
screens through ``register_screens``; an administrator puts widgets on screens (each for the
whole city or one area) and screens on playlists; a kiosk shows a playlist with a revocable
screen token, and every connected screen reads its data again as soon as a change it shows is
committed (:mod:`hub.changes`, Redis pub/sub relayed as server-sent events). The hub's own
widget shows the sources' health.
"""

from __future__ import annotations

from flask import Flask

from hub.live import admin, views
from hub.live.commands import live


def init_live(app: Flask) -> None:
    """Register the live room's pages and its ``simpul live`` commands on ``app``."""
    app.register_blueprint(views.blueprint)
    app.register_blueprint(admin.blueprint)
    app.cli.add_command(live)
