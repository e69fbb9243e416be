"""The administrators' user pages: who may open them, the list and its filters, creating,
editing, disabling and enabling users, and the one-time set-password links. The portal speaks
Indonesian unless a test asks for English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from hub.api import Agency, hookimpl
from hub.models import AuditEntry, PasswordReset, User
from hub.models.base import utcnow
from hub.models.user import NO_PASSWORD
from hub.state import current_hub
from hub.testing import PASSWORD, PASSWORD_HASH, csrf_token

SETU, MUNJUL, CIPAYUNG, WANEA = "31.75.10.1005", "31.75.10.1004", "31.75.10", "71.71.07"
LINK = re.compile(r"http://localhost(/users/reset/[A-Za-z0-9_-]+)")


@pytest.fixture
def app(make_app, sqlite_url, make_user) -> Flask:
    app = make_app(sqlite_url)
    make_user(app, "boss", "admin", full_name="Kepala Kominfo")
    return app


@pytest.fixture
def admin(app: Flask, sign_in) -> FlaskClient:
    client = app.test_client()
    sign_in(client, "boss")
    return client


def user(app: Flask, username: str) -> User | None:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(User).where(User.username == username))


def audit_log(app: Flask, username: str) -> list[tuple[str, str, dict]]:
    with current_hub(app).db.read_session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.username, AuditEntry.detail)
            .where(AuditEntry.target_type == "user", AuditEntry.target_id == username)
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def post(client: FlaskClient, path: str, form_path: str, **data: str):
    return client.post(path, data={"csrf_token": csrf_token(client, form_path), **data})


def add_people(app: Flask, *people: tuple) -> None:
    """Users with the test password: (username, role, area, agency, full name, active)."""
    with current_hub(app).db.session() as session:
        for username, role, area, agency, full_name, active in people:
            session.add(
                User(
                    username=username,
                    role=role,
                    area_code=area,
                    agency_code=agency,
                    full_name=full_name,
                    active=active,
                    password_hash=PASSWORD_HASH,
                )
            )


def listed(client: FlaskClient, query: str = "") -> list[str]:
    page = client.get(f"/users{query}").get_data(as_text=True)
    return re.findall(r'<td><a href="/users/\d+">([^<]+)</a></td>', page)


@pytest.fixture
def small_app(make_app, sqlite_url, make_user) -> Flask:
    """The portal on SQLite, for what does not depend on the database."""
    app = make_app(sqlite_url)
    make_user(app, "boss", "admin")
    for role in ("operator", "officer"):
        make_user(app, role, role)
    make_user(app, "lurah", "ward_staff", SETU)
    return app


@pytest.mark.parametrize("role", ["operator", "officer", "lurah"])
def test_only_administrators_open_the_user_pages(small_app: Flask, sign_in, role: str) -> None:
    client = small_app.test_client()
    assert client.get("/users").status_code == 302
    sign_in(client, role)
    token = csrf_token(client, "/sources")

    pages = ["/users", "/users/new", "/users/1", "/users/import"]
    actions = ["/users/new", "/users/1", "/users/1/disable", "/users/1/enable", "/users/1/reset"]

    assert [client.get(path).status_code for path in pages] == [403] * len(pages)
    assert [
        client.post(path, data={"csrf_token": token, "role": "ward_staff"}).status_code
        for path in actions
    ] == [403] * len(actions)
    assert "/users" not in client.get("/sources").text.split('class="menu"')[1].split("</nav>")[0]
    assert user(small_app, "boss").active


def test_the_pages_are_in_indonesian_for_an_administrator(small_app: Flask, sign_in) -> None:
    client = small_app.test_client()
    sign_in(client, "boss")

    menu = client.get("/sources").text.split('class="menu"')[1].split("</nav>")[0]
    listing = client.get("/users").get_data(as_text=True)
    form = client.get("/users/new").get_data(as_text=True)

    assert '<a href="/users"' in menu and ">Pengguna</a>" in menu
    assert menu.index("/live/") < menu.index("/users") < menu.index("/sources")
    assert "<h1>Pengguna</h1>" in listing
    assert "Nama pengguna" in listing and "Peran" in listing and "Staf kelurahan" in listing
    assert "Pengguna baru" in form and "Kode wilayah (Kemendagri)" in form
    assert "Buat pengguna" in form
    english = client.get("/users?lang=en").get_data(as_text=True)
    assert "<h1>Users</h1>" in english and "Ward staff" in english


def test_the_list_filters_by_role_area_agency_state_and_text(app: Flask, admin) -> None:
    add_people(
        app,
        ("lurah.setu", "ward_staff", SETU, None, "Siti Rahayu", True),
        ("lurah.munjul", "ward_staff", MUNJUL, None, "Budi Santoso", False),
        ("camat.cipayung", "officer", CIPAYUNG, None, "Camat Cipayung", True),
        ("dlh.jaktim", "officer", None, "dlh", "Petugas DLH", True),
        ("sda.wanea", "officer", WANEA, "sda", "Petugas SDA 100%", True),
        ("operator", "operator", None, None, "Operator_Ruang", True),
    )

    assert listed(admin) == [
        "boss",
        "camat.cipayung",
        "dlh.jaktim",
        "lurah.munjul",
        "lurah.setu",
        "operator",
        "sda.wanea",
    ]
    assert listed(admin, "?role=ward_staff") == ["lurah.munjul", "lurah.setu"]
    assert listed(admin, f"?area={CIPAYUNG}") == ["camat.cipayung", "lurah.munjul", "lurah.setu"]
    assert listed(admin, "?area=31.75.10.1") == []
    assert listed(admin, "?agency=dlh") == ["dlh.jaktim"]
    assert listed(admin, "?active=no") == ["lurah.munjul"]
    assert listed(admin, "?role=ward_staff&active=yes") == ["lurah.setu"]
    assert listed(admin, "?q=SANTOSO") == ["lurah.munjul"]
    assert listed(admin, "?q=lurah.") == ["lurah.munjul", "lurah.setu"]
    assert listed(admin, "?q=100%25") == ["sda.wanea"]
    assert listed(admin, "?q=_") == ["operator"]
    assert listed(admin, "?role=mayor") == listed(admin)
    page = admin.get("/users?area=31.75.10").get_data(as_text=True)
    assert "3 pengguna" in page and "Setu" in page and "Nonaktif" in page


def test_the_list_is_shown_a_page_at_a_time(app: Flask, admin) -> None:
    add_people(app, *[(f"staf{n:03d}", "ward_staff", SETU, None, "", True) for n in range(1, 61)])

    first = admin.get("/users?role=ward_staff").get_data(as_text=True)
    second = admin.get("/users?role=ward_staff&page=2").get_data(as_text=True)

    assert "Halaman 1 dari 2" in first
    assert 'href="/users?page=2&amp;role=ward_staff"' in first
    assert listed(admin, "?role=ward_staff")[-1] == "staf050"
    assert listed(admin, "?role=ward_staff&page=2") == [f"staf{n:03d}" for n in range(51, 61)]
    assert "Sebelumnya" in second and "Berikutnya" not in second
    assert listed(admin, "?role=ward_staff&page=9") == listed(admin, "?role=ward_staff&page=2")


def test_an_administrator_creates_a_user_who_sets_a_password_with_the_link(
    app: Flask, admin: FlaskClient, sign_in
) -> None:
    response = post(
        admin,
        "/users/new",
        "/users/new",
        username="dlh.budi",
        full_name="Budi Petugas DLH",
        role="officer",
        area_code=CIPAYUNG,
        agency_code="dlh",
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Pengguna dlh.budi dibuat" in page
    (link,) = LINK.findall(page)
    created = user(app, "dlh.budi")
    assert (created.role, created.area_code, created.agency_code, created.full_name) == (
        "officer",
        CIPAYUNG,
        "dlh",
        "Budi Petugas DLH",
    )
    assert created.password_hash == NO_PASSWORD
    assert [action for action, *_ in audit_log(app, "dlh.budi")] == [
        "user.create",
        "user.reset_link",
    ]
    _action, by, detail = audit_log(app, "dlh.budi")[0]
    assert by == "boss" and detail["agency_code"] == "dlh" and detail["via"] == "portal"

    citizen = app.test_client()
    form = citizen.get(link)
    assert form.status_code == 200 and "Setel kata sandi Anda" in form.text
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = post(citizen, link, "/login", password="kata sandi baru", confirm="kata sandi baru")
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert sign_in(citizen, "dlh.budi", "kata sandi baru").status_code == 302
    assert "kata sandi baru" not in str(audit_log(app, "dlh.budi"))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"area_code": "99.99"}, "Tidak ada wilayah dengan kode 99.99."),
        ({"area_code": ""}, "Staf kelurahan memerlukan wilayah"),
        ({"role": "officer", "agency_code": "Dinas LH"}, "Kode dinas terdiri atas 2 sampai 32"),
        ({"agency_code": "dlh"}, "Hanya petugas yang bekerja untuk dinas"),
        ({"role": "mayor"}, "Pilih salah satu peran"),
        ({"username": "boss"}, "Nama pengguna boss sudah dipakai."),
        ({"username": "budi santoso"}, "Nama pengguna terdiri atas paling banyak 64"),
        ({"username": ""}, "Isi nama pengguna."),
    ],
)
def test_a_user_is_created_only_when_every_field_is_right(
    app: Flask, admin: FlaskClient, values: dict, message: str
) -> None:
    form = {"username": "baru", "role": "ward_staff", "area_code": SETU} | values

    response = post(admin, "/users/new", "/users/new", **form)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with current_hub(app).db.read_session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_an_administrator_edits_role_area_agency_and_full_name(app: Flask, admin) -> None:
    add_people(app, ("sda.wanea", "officer", WANEA, "sda", "Petugas SDA", True))
    user_id = user(app, "sda.wanea").id
    path = f"/users/{user_id}"

    saved = post(
        admin, path, path, role="officer", area_code="", agency_code="dsda-jt", full_name=""
    )
    assert saved.status_code == 302
    assert "Pengguna sda.wanea disimpan." in admin.get(path).get_data(as_text=True)
    promoted = post(admin, path, path, role="operator", area_code="", full_name="Pak Operator")
    assert promoted.status_code == 302
    unchanged = post(admin, path, path, role="operator", area_code="", full_name="Pak Operator")
    assert unchanged.status_code == 302
    assert "Tidak ada yang diubah." in admin.get(path).get_data(as_text=True)
    refused = post(admin, path, path, role="ward_staff", area_code="99.99", full_name="")

    assert refused.status_code == 422
    assert "Tidak ada wilayah dengan kode 99.99." in refused.get_data(as_text=True)
    edited = user(app, "sda.wanea")
    assert (edited.role, edited.area_code, edited.agency_code, edited.full_name) == (
        "operator",
        None,
        None,
        "Pak Operator",
    )
    edits = [detail["changes"] for action, by, detail in audit_log(app, "sda.wanea")]
    assert edits == [
        {
            "area_code": {"from": WANEA, "to": None},
            "agency_code": {"from": "sda", "to": "dsda-jt"},
            "full_name": {"from": "Petugas SDA", "to": ""},
        },
        {
            "role": {"from": "officer", "to": "operator"},
            "agency_code": {"from": "dsda-jt", "to": None},
            "full_name": {"from": "", "to": "Pak Operator"},
        },
    ]


def test_a_disabled_user_cannot_sign_in_until_enabled_again(app: Flask, admin, sign_in) -> None:
    add_people(app, ("lurah.setu", "ward_staff", SETU, None, "Siti", True))
    user_id = user(app, "lurah.setu").id
    path = f"/users/{user_id}"

    assert post(admin, f"{path}/disable", path).status_code == 302
    assert "Pengguna lurah.setu dinonaktifkan." in admin.get(path).get_data(as_text=True)
    refused = sign_in(app.test_client(), "lurah.setu")
    assert "Akun ini dinonaktifkan." in refused.get_data(as_text=True)
    assert post(admin, f"{path}/disable", path).status_code == 302
    assert post(admin, f"{path}/enable", path).status_code == 302

    assert sign_in(app.test_client(), "lurah.setu").status_code == 302
    assert [action for action, *_ in audit_log(app, "lurah.setu")] == [
        "user.disable",
        "user.enable",
    ]


def test_an_administrator_cannot_disable_themselves_or_change_their_own_role(
    app: Flask, admin: FlaskClient
) -> None:
    own = f"/users/{user(app, 'boss').id}"
    page = admin.get(own).get_data(as_text=True)
    assert "Anda tidak dapat menonaktifkannya" in page and f'action="{own}/disable"' not in page

    disable = post(admin, f"{own}/disable", own)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in admin.get(own).text
    demote = post(admin, own, own, role="operator", area_code="", full_name="Kepala")

    assert demote.status_code == 422
    assert "Anda tidak dapat mengubah peran Anda sendiri." in demote.get_data(as_text=True)
    assert disable.status_code == 302
    me = user(app, "boss")
    assert (me.active, me.role, me.full_name) == (True, "admin", "Kepala Kominfo")
    renamed = post(admin, own, own, area_code="", full_name="Kepala Dinas")
    assert renamed.status_code == 302 and user(app, "boss").full_name == "Kepala Dinas"
    assert admin.get("/users").status_code == 200


def test_a_set_password_link_works_once(app: Flask, admin: FlaskClient, sign_in) -> None:
    add_people(app, ("lurah.setu", "ward_staff", SETU, None, "Siti", True))
    path = f"/users/{user(app, 'lurah.setu').id}"

    made = post(admin, f"{path}/reset", path)
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    assert "Tautan setel kata sandi dibuat" in made.text and PASSWORD not in made.text
    (link,) = LINK.findall(made.get_data(as_text=True))
    person = app.test_client()
    short = post(person, link, "/login", password="pendek", confirm="pendek")
    different = post(person, link, "/login", password="kata sandi baru", confirm="kata sandi lain")
    assert short.status_code == 422 and "Kata sandi paling sedikit 8 karakter." in short.text
    assert different.status_code == 422 and "Kedua kata sandi tidak sama." in different.text

    assert (
        post(
            person, link, "/login", password="kata sandi baru", confirm="kata sandi baru"
        ).status_code
        == 302
    )
    again = post(person, link, "/login", password="kata sandi lagi", confirm="kata sandi lagi")

    assert again.status_code == 410 and "Tautan ini sudah dipakai." in again.text
    assert person.get(link).status_code == 410
    assert sign_in(app.test_client(), "lurah.setu", PASSWORD).status_code == 200
    assert sign_in(app.test_client(), "lurah.setu", "kata sandi baru").status_code == 302
    assert [action for action, *_ in audit_log(app, "lurah.setu")] == [
        "user.reset_link",
        "user.password_set",
    ]
    assert audit_log(app, "lurah.setu")[1][1] == "lurah.setu"
    with current_hub(app).db.read_session() as session:
        (stored,) = session.scalars(select(PasswordReset.token_hash))
    assert stored != link.rsplit("/", 1)[1] and len(stored) == 64


def test_a_set_password_link_expires_and_a_newer_one_replaces_it(
    app: Flask, admin: FlaskClient
) -> None:
    add_people(app, ("lurah.setu", "ward_staff", SETU, None, "Siti", True))
    path = f"/users/{user(app, 'lurah.setu').id}"
    (first,) = LINK.findall(post(admin, f"{path}/reset", path).get_data(as_text=True))
    (second,) = LINK.findall(post(admin, f"{path}/reset", path).get_data(as_text=True))
    person = app.test_client()

    replaced = person.get(first)
    assert replaced.status_code == 410 and "Tautan ini sudah kedaluwarsa." in replaced.text
    assert person.get(second).status_code == 200
    with current_hub(app).db.session() as session:
        session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = post(person, second, "/login", password="kata sandi baru", confirm="kata sandi baru")

    assert expired.status_code == 410 and "Tautan ini sudah kedaluwarsa." in expired.text
    assert user(app, "lurah.setu").password_hash == PASSWORD_HASH
    forged = person.get("/users/reset/not-a-token")
    assert forged.status_code == 404 and "Tautan ini tidak sah." in forged.text


def test_a_link_of_a_disabled_user_does_not_work(app: Flask, admin: FlaskClient) -> None:
    add_people(app, ("lurah.setu", "ward_staff", SETU, None, "Siti", True))
    path = f"/users/{user(app, 'lurah.setu').id}"
    (link,) = LINK.findall(post(admin, f"{path}/reset", path).get_data(as_text=True))
    post(admin, f"{path}/disable", path)

    assert app.test_client().get(link).status_code == 403
    refused = post(admin, f"{path}/reset", path)
    assert refused.status_code == 302
    assert "Akun ini nonaktif: aktifkan dulu." in admin.get(path).get_data(as_text=True)


class CityAgencies:
    """A plugin offering two agencies, as a feature that routes work to them does."""

    @hookimpl
    def register_agencies(self) -> list[Agency]:
        return [Agency("dlh", "Dinas Lingkungan Hidup"), Agency("dsda", "Dinas Sumber Daya Air")]


@pytest.fixture
def agencies_app(make_app, sqlite_url, make_user) -> Flask:
    app = make_app(sqlite_url, plugins={"agencies": CityAgencies()})
    make_user(app, "boss", "admin")
    return app


def options(page: str, name: str) -> list[tuple[str, str, bool]]:
    """The choices of the select ``name`` on ``page``: value, text and whether it is chosen."""
    select = page.split(f'<select name="{name}"')[1].split("</select>")[0]
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    return [(value, text, bool(chosen)) for value, chosen, text in found]


def test_without_agencies_the_agency_fields_take_any_code(admin: FlaskClient) -> None:
    form = admin.get("/users/new").get_data(as_text=True)
    listing = admin.get("/users").get_data(as_text=True)

    assert '<input name="agency_code"' in form and '<select name="agency_code"' not in form
    assert '<input name="agency"' in listing and '<select name="agency"' not in listing


def test_the_agency_fields_offer_the_agencies_of_the_plugins(agencies_app: Flask, sign_in) -> None:
    admin = agencies_app.test_client()
    sign_in(admin, "boss")
    add_people(agencies_app, ("dsda.jt", "officer", None, "dsda", "Petugas SDA", True))

    form = admin.get("/users/new").get_data(as_text=True)
    edit = admin.get(f"/users/{user(agencies_app, 'dsda.jt').id}").get_data(as_text=True)
    listing = admin.get("/users?agency=dlh").get_data(as_text=True)

    assert '<input name="agency_code"' not in form and "Dinas (hanya untuk petugas)" in form
    assert options(form, "agency_code") == [
        ("", "Tanpa dinas", False),
        ("dlh", "Dinas Lingkungan Hidup (dlh)", False),
        ("dsda", "Dinas Sumber Daya Air (dsda)", False),
    ]
    assert [value for value, _, chosen in options(edit, "agency_code") if chosen] == ["dsda"]
    assert options(listing, "agency")[:2] == [
        ("", "Semua dinas", False),
        ("dlh", "Dinas Lingkungan Hidup (dlh)", True),
    ]


def test_an_agency_must_be_one_the_plugins_offer(agencies_app: Flask, sign_in) -> None:
    admin = agencies_app.test_client()
    sign_in(admin, "boss")
    officer = {"role": "officer", "area_code": ""}

    refused = post(admin, "/users/new", "/users/new", username="x", agency_code="dishub", **officer)
    created = post(admin, "/users/new", "/users/new", username="y", agency_code="dsda", **officer)

    assert refused.status_code == 422
    assert "Tidak ada dinas dengan kode dishub. Pilih salah satu: dlh, dsda." in refused.text
    assert user(agencies_app, "x") is None
    assert created.status_code == 200 and user(agencies_app, "y").agency_code == "dsda"
    path = f"/users/{user(agencies_app, 'y').id}"
    moved = post(admin, path, path, agency_code="dishub", **officer)
    assert moved.status_code == 422 and "Tidak ada dinas dengan kode dishub." in moved.text
    assert user(agencies_app, "y").agency_code == "dsda"


def test_an_earlier_agency_that_is_not_offered_is_kept_until_changed(
    agencies_app: Flask, sign_in
) -> None:
    admin = agencies_app.test_client()
    sign_in(admin, "boss")
    add_people(agencies_app, ("sudin.jt", "officer", None, "sudin-jt", "Petugas Sudin", True))
    path = f"/users/{user(agencies_app, 'sudin.jt').id}"

    form = admin.get(path).get_data(as_text=True)
    renamed = post(admin, path, path, role="officer", agency_code="sudin-jt", full_name="Budi")

    assert options(form, "agency_code")[-1] == ("sudin-jt", "sudin-jt (dinas tidak dikenal)", True)
    assert renamed.status_code == 302
    assert (
        user(agencies_app, "sudin.jt").agency_code,
        user(agencies_app, "sudin.jt").full_name,
    ) == (
        "sudin-jt",
        "Budi",
    )


def test_the_complaints_feature_offers_the_agencies_it_routes_to(
    make_app, sqlite_url, make_user, sign_in
) -> None:
    routing = {
        "agencies": {"dinas-lh": "Dinas Lingkungan Hidup"},
        "categories": {"Sampah": {"agency": "dinas-lh"}},
    }
    app = make_app(sqlite_url, only=("complaints",), sections={"complaints": routing})
    make_user(app, "boss", "admin")
    admin = app.test_client()
    sign_in(admin, "boss")
    officer = {"role": "officer", "area_code": ""}

    form = admin.get("/users/new").get_data(as_text=True)
    refused = post(admin, "/users/new", "/users/new", username="x", agency_code="dlh", **officer)

    assert options(form, "agency_code") == [
        ("", "Tanpa dinas", False),
        ("dinas-lh", "Dinas Lingkungan Hidup (dinas-lh)", False),
    ]
    assert refused.status_code == 422
    assert "Tidak ada dinas dengan kode dlh. Pilih salah satu: dinas-lh." in refused.text
