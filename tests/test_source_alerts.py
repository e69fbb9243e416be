"""Operators and administrators are told when a source turns down or refuses the hub's
credentials: once per turn for the worse, and nobody else is."""

from __future__ import annotations

import pytest
import sample_city
from sqlalchemy import select, update

from hub.models import Notification, User
from hub.models.base import utcnow
from hub.state import current_hub
from hub.testing import run_sync

SOURCE = "lights-test"


@pytest.fixture
def sim(serve_streetlights):
    return serve_streetlights(size=10, seed=7)


def told(app) -> dict[str, list[str]]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(User.username, Notification.title)
            .join(Notification, Notification.user_id == User.id)
            .order_by(Notification.id)
        ).all()
    found: dict[str, list[str]] = {}
    for username, title in rows:
        found.setdefault(username, []).append(title)
    return found


def people(app, make_user) -> None:
    """An operator, an administrator, a ward staff member and an operator who has left."""
    make_user(app, "operator", "operator")
    make_user(app, "admin", "admin")
    make_user(app, "lurah", "ward_staff", "31.75.10.1005")
    make_user(app, "left", "operator", active=False)


def test_a_source_that_goes_down_is_told_once_to_the_operators(
    make_city, database_url, sim, make_user
):
    app = make_city(database_url, sources=(sim.source(SOURCE, url="http://127.0.0.1:9"),))
    people(app, make_user)

    for _ in range(5):
        run_sync(app, SOURCE)

    expected = ["Sumber lights-test tidak dapat dihubungi"]
    assert told(app) == {"operator": expected, "admin": expected}


def test_a_refused_key_is_told_and_told_again_after_a_recovery(
    make_city, database_url, sim, make_user, monkeypatch
):
    app = make_city(database_url, sources=(sim.source(SOURCE, api_key_env="WRONG_KEY"),))
    people(app, make_user)
    monkeypatch.setenv("WRONG_KEY", "not-the-key")
    run_sync(app, SOURCE)
    run_sync(app, SOURCE)
    read_by(app, "operator")

    monkeypatch.setenv("WRONG_KEY", sample_city.API_KEY)
    assert run_sync(app, SOURCE).status == "succeeded"
    monkeypatch.setenv("WRONG_KEY", "not-the-key-either")
    run_sync(app, SOURCE)

    refused = "Sumber lights-test menolak kredensial hub"
    assert told(app) == {"operator": [refused, refused], "admin": [refused]}
    with current_hub(app).db.read_session() as session:
        counts = session.scalars(select(Notification.count).order_by(Notification.id)).all()
    assert sorted(counts) == [1, 1, 2], "the admin's unread message folds the second turn"


def read_by(app, username: str) -> None:
    with current_hub(app).db.session() as session:
        user = session.scalar(select(User).filter_by(username=username))
        session.execute(
            update(Notification).where(Notification.user_id == user.id).values(read_at=utcnow())
        )
