"""Portal accounts provisioned from the SCIM source, end to end on SQLite and PostgreSQL, and the
rule that decides them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from simpul_hr.provisioning import ProvisioningRule
from sqlalchemy import text

from hub.api import Record, read_session
from hub.testing import csrf_token, run_sync

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CIVIL_SERVICE = "urn:simpul:scim:schemas:extension:asn:1.0:User"
WENANG_UTARA, WENANG_SELATAN, WENANG = "71.71.04.1005", "71.71.04.1006", "71.71.04"
LURAH = {"nip": "197805122005011003", "name": "Jeane Rumengan", "position": "Lurah"}
CAMAT = {"nip": "196911201995031002", "name": "Ronald Lumowa", "position": "Camat"}
SECRETARY = {"nip": "198402142009022001", "name": "Meiske Tambuwun"}
SUSPENDED = {"nip": "198001012006041005", "name": "Stevanus Wowor", "position": "Lurah"}
HAND_MADE = {"nip": "197501011999031001", "name": "Frangky Sondakh", "position": "Lurah"}
PEOPLE = [
    {**LURAH, "unit": "Kelurahan Wenang Utara"},
    {**CAMAT, "unit": "Kecamatan Wenang"},
    {**SECRETARY, "unit": "Kelurahan Wenang Selatan", "position": "Sekretaris Kelurahan"},
    {**SUSPENDED, "unit": "Kelurahan Tikala Kumaraka", "active": False},
    {**HAND_MADE, "unit": "Kelurahan Pinaesaan"},
]


def move(scim: httpx.Client, user_id: str, unit: str, position: str, area: str) -> None:
    """Post the user elsewhere with a SCIM PUT, as the HR agency would."""
    user = scim.get(f"/Users/{user_id}").json()
    user[ENTERPRISE]["department"] = unit
    user[CIVIL_SERVICE] |= {"position": position, "postingAreaCode": area}
    scim.put(f"/Users/{user_id}", json=user).raise_for_status()


def edit(scim: httpx.Client, user_id: str, **values: Any) -> None:
    """Change the user's top-level SCIM attributes (``displayName``, ``active``) with a PUT."""
    user = scim.get(f"/Users/{user_id}").json()
    scim.put(f"/Users/{user_id}", json=user | values).raise_for_status()


def full_name(app: Flask, username: str) -> str:
    query = text("SELECT full_name FROM users WHERE username = :username")
    with app.app_context(), read_session() as session:
        return session.scalar(query, {"username": username})


def set_active(app: Flask, admin: FlaskClient, username: str, active: bool) -> None:
    """Enable or disable the user on the portal's users pages, as an administrator does."""
    query = text("SELECT id FROM users WHERE username = :username")
    with app.app_context(), read_session() as session:
        path = f"/users/{session.scalar(query, {'username': username})}"
    data = {"csrf_token": csrf_token(admin, path)}
    response = admin.post(f"{path}/{'enable' if active else 'disable'}", data=data)
    assert response.status_code == 302


@pytest.fixture
def simulator(serve_simulator) -> Any:
    return serve_simulator("hr", size=0)


@pytest.fixture
def scim_client(simulator) -> Any:
    headers = {"Authorization": f"Bearer {simulator.api_key}"}
    with httpx.Client(base_url=f"{simulator.url}/scim/v2", headers=headers) as client:
        yield client


def test_accounts_follow_the_posts_and_nobody_keeps_access_after_leaving(
    database_url, make_hr_app, make_user, simulator, scim_client, accounts, stored
) -> None:
    given = simulator.control("/_sim/give", {"users": PEOPLE})["users"]
    ids = {person["nip"]: user_id for person, user_id in zip(PEOPLE, given, strict=True)}
    app = make_hr_app(database_url, simulator, provision_positions=["lurah", "Camat"])
    make_user(app, HAND_MADE["nip"], "operator")

    run_sync(app, "staff")

    found = accounts(app)
    source_id = stored(app, "staff")[LURAH["nip"]].source_id
    assert found[LURAH["nip"]] == {
        "username": LURAH["nip"],
        "role": "ward_staff",
        "area_code": WENANG_UTARA,
        "active": True,
        "provisioned_by": source_id,
    }
    assert found[CAMAT["nip"]] == {
        "username": CAMAT["nip"],
        "role": "officer",
        "area_code": WENANG,
        "active": True,
        "provisioned_by": source_id,
    }
    assert SECRETARY["nip"] not in found and SUSPENDED["nip"] not in found
    hand_made = found[HAND_MADE["nip"]]
    assert (hand_made["role"], hand_made["provisioned_by"]) == ("operator", None)

    move(scim_client, ids[LURAH["nip"]], "Kelurahan Wenang Selatan", "Lurah", WENANG_SELATAN)
    run_sync(app, "staff")
    assert accounts(app)[LURAH["nip"]]["area_code"] == WENANG_SELATAN

    move(scim_client, ids[LURAH["nip"]], "Dinas Sosial", "Analis Kebijakan", "71.71")
    scim_client.delete(f"/Users/{ids[CAMAT['nip']]}").raise_for_status()
    run_sync(app, "staff")
    found = accounts(app)
    assert (found[LURAH["nip"]]["active"], found[CAMAT["nip"]]["active"]) == (False, True)

    run_sync(app, "staff", full=True)
    found = accounts(app)
    assert found[CAMAT["nip"]]["active"] is False
    assert list(stored(app, "staff", deleted=True)) == [CAMAT["nip"]]
    assert found[HAND_MADE["nip"]] == hand_made


@pytest.fixture
def provisioned(database_url, make_hr_app, make_user, sign_in, simulator) -> Any:
    """An app that gave the lurah an account, an administrator signed in to it, and the
    lurah's SCIM id."""
    (user_id,) = simulator.control("/_sim/give", {"users": [PEOPLE[0]]})["users"]
    app = make_hr_app(database_url, simulator, provision_positions=["Lurah"])
    make_user(app, "boss", "admin")
    admin = app.test_client()
    sign_in(admin, "boss")
    run_sync(app, "staff")
    return app, admin, user_id


def test_an_account_an_administrator_disabled_stays_disabled_until_they_enable_it(
    provisioned, scim_client, accounts
) -> None:
    app, admin, user_id = provisioned
    set_active(app, admin, LURAH["nip"], False)

    edit(scim_client, user_id, displayName="Jeane M. Rumengan")
    run_sync(app, "staff")
    assert accounts(app)[LURAH["nip"]]["active"] is False
    assert full_name(app, LURAH["nip"]) == "Jeane M. Rumengan"

    set_active(app, admin, LURAH["nip"], True)
    edit(scim_client, user_id, displayName="Jeane Rumengan")
    run_sync(app, "staff")
    assert accounts(app)[LURAH["nip"]]["active"] is True
    assert full_name(app, LURAH["nip"]) == "Jeane Rumengan"


def test_the_staffing_app_still_disables_and_enables_the_accounts_it_gave(
    provisioned, scim_client, accounts
) -> None:
    app, admin, user_id = provisioned
    set_active(app, admin, LURAH["nip"], False)
    set_active(app, admin, LURAH["nip"], True)

    edit(scim_client, user_id, active=False)
    run_sync(app, "staff")
    assert accounts(app)[LURAH["nip"]]["active"] is False

    edit(scim_client, user_id, active=True)
    run_sync(app, "staff")
    assert accounts(app)[LURAH["nip"]]["active"] is True


def staff(**values: Any) -> Record:
    defaults = {
        "external_id": LURAH["nip"],
        "kind": "staff",
        "status": "active",
        "title": "Lurah",
        "area_code": WENANG_UTARA,
        "attributes": {"name": LURAH["name"]},
    }
    return Record(**{**defaults, **values})


@pytest.mark.parametrize(
    ("record", "role", "area"),
    [
        (staff(), "ward_staff", WENANG_UTARA),
        (staff(title="LURAH"), "ward_staff", WENANG_UTARA),
        (staff(title="Camat", area_code=WENANG), "officer", WENANG),
    ],
    ids=["lurah", "any case", "camat"],
)
def test_the_rule_gives_chosen_posts_in_a_kelurahan_or_kecamatan_an_account(
    record: Record, role: str, area: str
) -> None:
    account = ProvisioningRule.of(["Lurah", "Camat"]).account_for(record)

    assert account is not None
    assert (account.username, account.full_name) == (LURAH["nip"], LURAH["name"])
    assert (account.role, account.area_code) == (role, area)


@pytest.mark.parametrize(
    "record",
    [
        staff(title="Sekretaris Kelurahan"),
        staff(status="inactive"),
        staff(deleted_at=datetime(2026, 11, 23, tzinfo=UTC)),
        staff(area_code="71.71"),
        staff(area_code=None),
        staff(external_id="scim:2819c223-7f76-453a-919d-413861904646"),
    ],
    ids=["other post", "inactive", "removed", "city post", "no post", "no NIP"],
)
def test_the_rule_gives_no_account_to_anyone_else(record: Record) -> None:
    assert ProvisioningRule.of(["Lurah", "Camat"]).account_for(record) is None
