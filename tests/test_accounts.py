"""Accounts provisioned by a source: follow the person's post, never take over a hand-made one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.accounts import Account, disable_account, provision_account
from hub.models import AuditEntry, Source, User
from hub.sources import ConfigError, ConfigField, SourceType
from hub.state import current_hub

SETU, MUNJUL = "31.75.10.1005", "31.75.10.1004"


@pytest.fixture
def app(make_app, database_url, make_user):
    app = make_app(database_url)
    make_user(app, "manual", "admin")
    with current_hub(app).db.session() as session:
        session.add(Source(name="hr", type="scim"))
    return app


def provision(app, account):
    with current_hub(app).db.session() as session:
        return provision_account(session, 1, account)


def user(app, username) -> User:
    with current_hub(app).db.session() as session:
        return session.scalars(select(User).filter_by(username=username)).one()


def test_an_account_follows_the_post_and_is_disabled_on_leaving(app):
    lurah = Account("198001012005011001", "Budi Santoso", "ward_staff", SETU)

    assert provision(app, lurah) == "created"
    assert provision(app, lurah) == "unchanged"
    assert provision(app, Account(lurah.username, lurah.full_name, "ward_staff", MUNJUL)) == (
        "updated"
    )
    assert user(app, lurah.username).area_code == MUNJUL
    with current_hub(app).db.session() as session:
        assert disable_account(session, 1, lurah.username) == "disabled"
        assert disable_account(session, 1, lurah.username) == "unchanged"

    gone = user(app, lurah.username)
    assert (gone.active, gone.provisioned_by) == (False, 1)
    assert gone.check_password("") is False
    with current_hub(app).db.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.provision", "user.provision", "user.disable"]


def test_a_hand_made_account_is_never_taken_over(app):
    assert provision(app, Account("manual", "Someone Else", "ward_staff", SETU)) == "refused"
    with current_hub(app).db.session() as session:
        assert disable_account(session, 1, "manual") == "unchanged"

    assert (user(app, "manual").role, user(app, "manual").active) == ("admin", True)


def test_an_account_needs_a_known_role():
    with pytest.raises(ValueError, match="unknown role 'lurah'"):
        Account("x", "X", "lurah")


def test_a_list_setting_is_read_from_a_list_or_from_comma_separated_text():
    source_type = SourceType(
        "hr", "HR", lambda s: None, lambda p: None, config=(ConfigField("positions", "list"),)
    )

    assert source_type.validate("hr", {"positions": ["Lurah", "Camat"]}) == {
        "positions": ["Lurah", "Camat"]
    }
    assert source_type.validate("hr", {"positions": "Lurah, Sekretaris Kelurahan"}) == {
        "positions": ["Lurah", "Sekretaris Kelurahan"]
    }
    with pytest.raises(ConfigError, match="must be a list of text"):
        source_type.validate("hr", {"positions": [1, 2]})
