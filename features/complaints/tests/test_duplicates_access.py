"""Duplicates are suggested and merged only among the complaints the person may see: ward staff
within their ward, operators and admins across wards; a complaint out of sight is refused as if
there were none, whatever its category."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from features.complaints.models import ComplaintCase
from hub.models import Record, Source
from hub.state import current_hub
from hub.testing import add_records, csrf_token

SETU, MUNJUL = "31.75.10.1005", "31.75.10.1004"
LAT, LON = -6.225, 106.9
NOWHERE = 999_999
REFUSAL = "Choose another complaint to merge into."


def complaint(source: Source, external_id: str, area_code: str, **values) -> Record:
    defaults = {
        "kind": "complaint",
        "status": "open",
        "category": "Sampah",
        "latitude": LAT,
        "longitude": LON,
        "created_at": datetime(2026, 11, 23, 3, tzinfo=UTC),
    }
    return Record(
        source_id=source.id,
        external_id=external_id,
        title=f"Aduan {external_id}",
        area_code=area_code,
        content_hash=external_id,
        **(defaults | values),
    )


@pytest.fixture
def app(make_app, database_url: str, make_user) -> Flask:
    """A complaint in Setu, its twin in Setu, and two in Munjul next door: one of the same
    category, one of another."""
    app = make_app(database_url, language="en", only=("complaints",))
    for username, role, area in [
        ("lurah-setu", "ward_staff", SETU),
        ("operator", "operator", None),
        ("admin", "admin", None),
    ]:
        make_user(app, username, role, area)
    with current_hub(app).db.session() as session:
        source = Source(name="qlue-jaktim", type="qlue")
        session.add(source)
        session.flush()
        add_records(
            app,
            session,
            [
                complaint(source, "here", SETU),
                complaint(source, "twin", SETU, latitude=LAT + 0.0004),
                complaint(source, "munjul", MUNJUL, longitude=LON + 0.0003),
                complaint(source, "munjul-road", MUNJUL, category="Jalan rusak"),
            ],
        )
    return app


def record_id(app: Flask, external_id: str) -> int:
    with current_hub(app).db.read_session() as session:
        return session.scalar(select(Record.id).filter_by(external_id=external_id))


def case_of(app: Flask, external_id: str) -> ComplaintCase:
    with current_hub(app).db.read_session() as session:
        return session.get(ComplaintCase, record_id(app, external_id))


def signed_in(app: Flask, username: str, sign_in) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def offered(client: FlaskClient, app: Flask, external_id: str) -> set[str]:
    """The complaints the page of ``external_id`` offers to merge it into."""
    page = client.get(f"/complaints/{record_id(app, external_id)}").text
    names = ("here", "twin", "munjul", "munjul-road")
    return {name for name in names if f'name="into" value="{record_id(app, name)}"' in page}


def merge(client: FlaskClient, app: Flask, external_id: str, into: int, *, as_json: bool = False):
    path = f"/complaints/{record_id(app, external_id)}/merge"
    data = {"csrf_token": csrf_token(client, path.rsplit("/", 1)[0]), "into": str(into)}
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(path, data=data, headers=headers)


def test_ward_staff_are_offered_only_their_wards_duplicates(app: Flask, sign_in) -> None:
    assert offered(signed_in(app, "lurah-setu", sign_in), app, "here") == {"twin"}


@pytest.mark.parametrize("username", ["operator", "admin"])
def test_operators_and_admins_are_offered_duplicates_across_wards(
    app: Flask, sign_in, username: str
) -> None:
    assert offered(signed_in(app, username, sign_in), app, "here") == {"twin", "munjul"}


def test_ward_staff_cannot_merge_into_another_wards_complaint_nor_learn_its_category(
    app: Flask, sign_in
) -> None:
    lurah = signed_in(app, "lurah-setu", sign_in)
    targets = [record_id(app, "munjul"), record_id(app, "munjul-road"), NOWHERE]

    answers = [merge(lurah, app, "here", into, as_json=True) for into in targets]
    pages = [merge(lurah, app, "here", into) for into in targets]

    expected = {"error": {"code": "original", "message": REFUSAL, "field": "into"}}
    assert [(a.status_code, a.get_json()) for a in answers] == [(400, expected)] * 3
    assert [page.status_code for page in pages] == [400] * 3
    assert all(REFUSAL in page.text and "same category" not in page.text for page in pages)
    case = case_of(app, "here")
    assert (case.status, case.duplicate_of_id) == ("open", None)


def test_ward_staff_merge_within_their_ward(app: Flask, sign_in) -> None:
    lurah = signed_in(app, "lurah-setu", sign_in)

    assert merge(lurah, app, "here", record_id(app, "twin")).status_code == 302

    case = case_of(app, "here")
    assert (case.status, case.resolution, case.duplicate_of_id) == (
        "closed",
        "duplicate",
        record_id(app, "twin"),
    )


@pytest.mark.parametrize("username", ["operator", "admin"])
def test_operators_and_admins_merge_across_wards(app: Flask, sign_in, username: str) -> None:
    staff = signed_in(app, username, sign_in)

    assert merge(staff, app, "here", record_id(app, "munjul")).status_code == 302
    assert case_of(app, "here").duplicate_of_id == record_id(app, "munjul")
