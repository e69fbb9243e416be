"""``simpul complaints rebuild-rollups``: count the rankings' rollups again from the cases."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from features.complaints import rollups
from hub.api import current_hub


@click.group("complaints")
def complaints() -> None:
    """Complaint handling."""


@complaints.command("rebuild-rollups")
@with_appcontext
def rebuild_rollups() -> None:
    """Count every complaint again into the daily rollups and the backlog (days in the hub's
    time zone). Run it once after an upgrade, and after changing the time zone."""
    hub = current_hub()
    with hub.db.session() as session:
        counted = rollups.rebuild(session, ZoneInfo(hub.settings.timezone))
    click.echo(f"rollups rebuilt from {counted} complaints")
