"""``simpul live``: the default screens, and the kiosks' screen tokens."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hub.live.events import CONFIG_KIND, REVOKED, publish_quietly
from hub.live.screens import DEFAULT_PLAYLIST, ensure_defaults
from hub.live.tokens import all_tokens, create_token, revoke_token
from hub.models import Playlist
from hub.state import current_hub


@click.group("live")
def live() -> None:
    """The live room's wall screens."""


@live.command("defaults")
@with_appcontext
def defaults() -> None:
    """Make the default screens and playlist, if there is no screen yet."""
    hub = current_hub()
    with hub.db.session() as session:
        made = ensure_defaults(session, hub, hub.settings.language)
    click.echo("default screens made" if made else "screens exist already: nothing changed")


@live.group()
def tokens() -> None:
    """Screen tokens: how a kiosk shows a playlist without signing in."""


@tokens.command("create")
@click.argument("name")
@click.option("--playlist", default=DEFAULT_PLAYLIST, show_default=True)
@click.option("--url", "base_url", default="", help="The portal's address, for a whole link.")
@with_appcontext
def tokens_create(name: str, playlist: str, base_url: str) -> None:
    """Make a token for the screen NAME and print its kiosk link: it is not shown again."""
    hub = current_hub()
    with hub.db.session() as session:
        ensure_defaults(session, hub, hub.settings.language)
        found = session.scalar(select(Playlist).where(Playlist.name == playlist))
        if found is None:
            raise click.ClickException(f"no playlist named {playlist!r}")
        try:
            token = create_token(session, name, found, None)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    path = current_app.url_map.bind("localhost").build("live.kiosk", {"token": token})
    click.echo(base_url.rstrip("/") + path)


@tokens.command("list")
@with_appcontext
def tokens_list() -> None:
    """Every token: its id, name, playlist, and when it was last used or revoked."""
    with current_hub().db.read_session() as session:
        found = all_tokens(session)
    if not found:
        click.echo("no screen tokens yet: simpul live tokens create NAME")
    for token, playlist in found:
        used = f"{token.last_used_at:%Y-%m-%d %H:%M} UTC" if token.last_used_at else "never"
        revoked = f"revoked {token.revoked_at:%Y-%m-%d %H:%M} UTC" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{token.name}\t{playlist}\tlast used {used}\t{revoked}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke(token_id: int) -> None:
    """Refuse the token TOKEN_ID from now on, and close the screens using it."""
    hub = current_hub()
    with hub.db.session() as session:
        token = revoke_token(session, token_id, None)
    if token is None:
        raise click.ClickException(f"no screen token {token_id}")
    publish_quietly(hub.channel, REVOKED, kinds=[CONFIG_KIND], token=token_id)
    click.echo(f"screen token {token_id} ({token.name}) revoked")
