"""The live room: wall screens that stay current by themselves.

Plugins contribute widgets (:mod:`hub.widgets`) through the ``register_widgets`` hook; an
administrator puts them on screens (each for the whole city or one area) and screens on
playlists; a kiosk shows a playlist with a revocable screen token, and every connected screen
reads its data again as soon as a sync lands or a complaint changes (Redis pub/sub relayed as
server-sent events). The hub's own widgets cover complaints, activity reports and sources.
"""
