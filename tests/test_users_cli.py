"""The ``simpul users`` commands: list, create, edit, disable, enable, reset-password and import,
on the hub's own database, with clear errors for unknown users, areas and roles."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import func, select

from hub.api import Agency, hookimpl
from hub.cli import cli
from hub.models import AuditEntry, User
from hub.models.user import NO_PASSWORD
from hub.state import current_hub
from hub.testing import PASSWORD, csrf_token

SETU, CIPAYUNG = "31.75.10.1005", "31.75.10"
HEADER_ROW = "username;full_name;role;area_code;agency_code\n"


@pytest.fixture
def app(make_app, sqlite_url, make_user) -> Flask:
    app = make_app(sqlite_url)
    make_user(app, "boss", "admin", full_name="Kepala Kominfo")
    make_user(app, "lurah.setu", "ward_staff", SETU, full_name="Siti Rahayu")
    make_user(app, "dlh.jaktim", "officer", agency_code="dlh")
    make_user(app, "camat", "officer", CIPAYUNG, active=False)
    return app


@pytest.fixture
def run(app: Flask):
    """Run ``simpul users ARGS`` on ``app``; the result keeps standard output apart."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["users", *args], input=input)

    return invoke


def user(app: Flask, username: str) -> User | None:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(User).where(User.username == username))


def actions(app: Flask, username: str) -> list[tuple[str, dict]]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.target_type == "user", AuditEntry.target_id == username)
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def test_list_shows_users_by_role_and_area(run) -> None:
    everyone = run("list")
    officers = run("list", "--role", "officer", "--json")
    in_cipayung = run("list", "--area", CIPAYUNG)

    assert everyone.exit_code == 0, everyone.output
    assert [line.split("\t")[0] for line in everyone.stdout.splitlines()] == [
        "boss",
        "camat",
        "dlh.jaktim",
        "lurah.setu",
    ]
    assert "lurah.setu\tward_staff\t31.75.10.1005\tactive\tSiti Rahayu" in everyone.stdout
    assert "camat\tofficer\t31.75.10\tdisabled\t" in everyone.stdout
    listing = json.loads(officers.stdout)
    assert [row["username"] for row in listing] == ["camat", "dlh.jaktim"]
    assert listing[1] == {
        "username": "dlh.jaktim",
        "full_name": "",
        "role": "officer",
        "area_code": None,
        "agency_code": "dlh",
        "active": True,
        "password_set": True,
    }
    assert [line.split("\t")[0] for line in in_cipayung.stdout.splitlines()] == [
        "camat",
        "lurah.setu",
    ]


def test_list_refuses_an_unknown_area_or_role(run) -> None:
    area = run("list", "--area", "99.99")
    role = run("list", "--role", "mayor")

    assert area.exit_code == 1 and "no area with the code '99.99'" in area.output
    assert role.exit_code == 2 and "'mayor' is not one of" in role.output


def test_create_with_an_agency_is_audited(app: Flask, run) -> None:
    result = run(
        "create",
        "sda.budi",
        "--role",
        "officer",
        "--agency",
        "sda",
        "--full-name",
        "Budi",
        input="rahasia-budi\nrahasia-budi\n",
    )
    refused = run(
        "create", "ops", "--role", "operator", "--agency", "dlh", input="long-enough\n" * 2
    )

    assert result.exit_code == 0, result.output
    assert "user sda.budi created (officer, sda)" in result.output
    assert "rahasia-budi" not in result.output
    created = user(app, "sda.budi")
    assert (created.agency_code, created.full_name) == ("sda", "Budi")
    assert created.check_password("rahasia-budi")
    ((action, detail),) = actions(app, "sda.budi")
    assert action == "user.create" and detail["via"] == "cli" and detail["agency_code"] == "sda"
    assert refused.exit_code == 1 and "only an officer works for an agency" in refused.output
    assert user(app, "ops") is None


def test_edit_changes_what_it_is_told_and_says_what_changed(app: Flask, run) -> None:
    moved = run("edit", "lurah.setu", "--area", CIPAYUNG, "--full-name", "Bu Siti")
    officer = run("edit", "lurah.setu", "--role", "officer", "--agency", "dlh", "--area", "")
    again = run("edit", "lurah.setu", "--role", "officer")

    assert moved.exit_code == 0, moved.output
    assert moved.stdout.splitlines() == [
        "full_name: Siti Rahayu -> Bu Siti",
        f"area_code: {SETU} -> {CIPAYUNG}",
    ]
    assert officer.exit_code == 0, officer.output
    assert again.stdout == "user lurah.setu unchanged\n"
    edited = user(app, "lurah.setu")
    assert (edited.role, edited.area_code, edited.agency_code, edited.full_name) == (
        "officer",
        None,
        "dlh",
        "Bu Siti",
    )
    assert [action for action, _ in actions(app, "lurah.setu")] == ["user.edit", "user.edit"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("edit", "nobody", "--full-name", "X"), 1, "no user named 'nobody'"),
        (("edit", "lurah.setu", "--area", "99.99"), 1, "There is no area with the code 99.99."),
        (("edit", "dlh.jaktim", "--agency", "Dinas LH"), 1, "An agency code has 2 to 32"),
        (("edit", "lurah.setu", "--area", ""), 1, "Ward staff need an area"),
        (("edit", "lurah.setu", "--role", "mayor"), 2, "'mayor' is not one of"),
        (("edit", "lurah.setu"), 2, "say what to change"),
        (("disable", "nobody"), 1, "no user named 'nobody'"),
        (("enable", "nobody"), 1, "no user named 'nobody'"),
        (("reset-password", "nobody"), 1, "no user named 'nobody'"),
        (("reset-password", "camat"), 1, "This account is disabled: enable it first."),
    ],
)
def test_commands_refuse_unknown_users_areas_and_roles(
    app: Flask, run, args: tuple, code: int, message: str
) -> None:
    result = run(*args)

    assert result.exit_code == code
    assert message in result.output
    with current_hub(app).db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert user(app, "lurah.setu").area_code == SETU


def test_disable_and_enable(app: Flask, run) -> None:
    assert run("disable", "lurah.setu").stdout == "user lurah.setu disabled\n"
    assert run("disable", "lurah.setu").stdout == "user lurah.setu was disabled already\n"
    assert user(app, "lurah.setu").active is False
    assert run("enable", "lurah.setu").stdout == "user lurah.setu enabled\n"
    assert run("disable", "boss").exit_code == 0

    assert user(app, "lurah.setu").active is True
    assert [action for action, _ in actions(app, "lurah.setu")] == ["user.disable", "user.enable"]


def test_reset_password_prints_a_link_that_works_once(app: Flask, run, sign_in) -> None:
    result = run("reset-password", "lurah.setu")

    assert result.exit_code == 0, result.output
    path = result.stdout.splitlines()[-1]
    assert path.startswith("/users/reset/") and "24 hours" in result.stdout
    client = app.test_client()
    data = {"csrf_token": csrf_token(client), "password": "baru sekali", "confirm": "baru sekali"}
    assert client.post(path, data=data).status_code == 302
    assert client.post(path, data=data).status_code == 410
    assert sign_in(app.test_client(), "lurah.setu", PASSWORD).status_code == 200
    assert sign_in(app.test_client(), "lurah.setu", "baru sekali").status_code == 302
    assert [action for action, _ in actions(app, "lurah.setu")] == [
        "user.reset_link",
        "user.password_set",
    ]


def test_import_creates_everyone_and_prints_their_links(app: Flask, run, tmp_path) -> None:
    file = tmp_path / "pengguna.csv"
    file.write_text(
        "\ufeffusername;full_name;role;area_code;agency_code\n"
        "lurah.munjul;Pak Munjul;ward_staff;31.75.10.1004;\n"
        "sda.jaktim;Petugas SDA;officer;;sda\n",
        encoding="utf-8",
    )

    result = run("import", str(file))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "username,link"
    assert [line.split(",")[0] for line in lines[1:]] == ["lurah.munjul", "sda.jaktim"]
    assert all(line.split(",")[1].startswith("/users/reset/") for line in lines[1:])
    assert user(app, "sda.jaktim").password_hash == NO_PASSWORD
    assert [action for action, detail in actions(app, "sda.jaktim")] == [
        "user.create",
        "user.reset_link",
    ]


def test_a_bad_import_names_each_line_and_creates_nobody(app: Flask, run, tmp_path) -> None:
    file = tmp_path / "pengguna.csv"
    file.write_text(
        "username,full_name,role,area_code,agency_code\n"
        "lurah.munjul,Pak Munjul,ward_staff,31.75.10.1004,\n"
        "lurah.setu,Siti,ward_staff,31.75.10.1005,\n"
        "ops,Ops,operator,99.99,\n"
        "walikota,Wali Kota,mayor,,\n",
        encoding="utf-8",
    )

    result = run("import", str(file))

    assert result.exit_code == 1
    assert "nothing imported: 3 lines" in result.output
    assert "line 3: The username lurah.setu is taken already." in result.output
    assert "line 4: There is no area with the code 99.99." in result.output
    assert "line 5: Choose one of the roles: admin, operator, officer, ward_staff." in (
        result.output
    )
    assert user(app, "lurah.munjul") is None
    missing = run("import", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.output


class CityAgencies:
    """A plugin offering the city's agencies, as a feature that routes work to them does."""

    @hookimpl
    def register_agencies(self) -> list[Agency]:
        return [Agency("dlh", "Dinas Lingkungan Hidup"), Agency("sda", "Dinas Sumber Daya Air")]


def test_with_agencies_the_commands_take_only_their_codes(
    make_app, sqlite_url, make_user, tmp_path
) -> None:
    app = make_app(sqlite_url, plugins={"agencies": CityAgencies()})
    make_user(app, "dlh.jaktim", "officer", agency_code="dlh")
    runner = app.test_cli_runner()
    file = tmp_path / "pengguna.csv"
    file.write_text(HEADER_ROW + "dishub.jt;Petugas Dishub;officer;;dishub\n", encoding="utf-8")

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["users", *args], input=input)

    created = run(
        "create", "sda.budi", "--role", "officer", "--agency", "sda", input="sandi-budi\n" * 2
    )
    refused = run(
        "create", "hub.budi", "--role", "officer", "--agency", "dishub", input="sandi-budi\n" * 2
    )
    edited = run("edit", "dlh.jaktim", "--agency", "dishub")
    imported = run("import", str(file))

    assert created.exit_code == 0, created.output
    assert user(app, "sda.budi").agency_code == "sda"
    assert refused.exit_code == 1
    assert "there is no agency with the code 'dishub' (agencies: dlh, sda)" in refused.output
    assert user(app, "hub.budi") is None
    assert edited.exit_code == 1
    assert "There is no agency with the code dishub. Choose one of: dlh, sda." in edited.output
    assert user(app, "dlh.jaktim").agency_code == "dlh"
    assert imported.exit_code == 1
    assert "line 2: There is no agency with the code dishub." in imported.output
    assert user(app, "dishub.jt") is None
