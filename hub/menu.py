"""Entries of the portal's main menu, from the hub and from plugins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
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


def first_page(items: list[MenuItem]) -> str:
    """The address of the first of ``items`` the signed-in user sees: where they land."""
    for item in items:
        if item.visible():
            return item.url
    return url_for("sources.index")


HUB_MENU = (
    MenuItem(_l("Live room"), "live.index", roles=("admin", "operator"), order=80),
    MenuItem(_l("Users"), "users.index", roles=("admin",), order=85),
    MenuItem(_l("Data sources"), "sources.index", order=90),
)
"""The hub's own pages in the menu, beside the plugins'."""
