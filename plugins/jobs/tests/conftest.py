"""The jobs plugin's fixtures, defined in jobs_helpers."""

from jobs_helpers import areas, connect, control, serve, server

__all__ = ["areas", "connect", "control", "serve", "server"]
