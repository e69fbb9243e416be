"""Entries of the portal's main menu, from the hub and from plugins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class MenuItem:
    """A link in the portal's main menu to ``endpoint`` (``"jobs.index"``).

    ``roles`` limits who sees it (empty: every signed-in user); ``order`` sorts the menu.
    """

    title: str
    endpoint: str
    roles: tuple[str, ...] = ()
    order: int = 100

    def visible(self) -> bool:
        return current_user.is_authenticated and (not self.roles or current_user.role in self.roles)

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def active(self) -> bool:
        return request.blueprint == self.endpoint.rsplit(".", 1)[0]
