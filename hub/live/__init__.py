"""The live room: wall screens that stay current by themselves (see :mod:`hub.live.setup`)."""
