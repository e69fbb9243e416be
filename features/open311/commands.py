"""``simpul open311 keys``: the API keys of the apps that submit requests."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from features.open311.keys import KeyRefused, all_keys, create_key, revoke_key
from hub.api import current_hub


@click.group("open311")
def open311() -> None:
    """The Open311 GeoReport v2 API at /open311/v2/."""


@open311.group()
def keys() -> None:
    """API keys for submitting requests (POST requests.json)."""


@keys.command("create")
@click.argument("name")
@with_appcontext
def keys_create(name: str) -> None:
    """Make a key for the app NAME and print it: it is not shown again."""
    try:
        with current_hub().db.session() as session:
            key = create_key(session, name)
    except KeyRefused as error:
        raise click.ClickException(str(error)) from None
    click.echo(key)


@keys.command("list")
@with_appcontext
def keys_list() -> None:
    """Every key: its name, when it was made, and whether it is revoked."""
    with current_hub().db.read_session() as session:
        found = all_keys(session)
    if not found:
        click.echo("no keys yet: simpul open311 keys create NAME")
    for key in found:
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M} UTC" if key.revoked_at else "active"
        click.echo(f"{key.name}\tcreated {key.created_at:%Y-%m-%d %H:%M} UTC\t{revoked}")


@keys.command("revoke")
@click.argument("name")
@with_appcontext
def keys_revoke(name: str) -> None:
    """Refuse the key of the app NAME from now on."""
    try:
        with current_hub().db.session() as session:
            revoke_key(session, name)
    except KeyRefused as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"key {name} revoked")
