"""The map of a complaint's spot: the projection, the complaints drawn around it (only those the
user may see, within the radius), the links to a maps app, and no map without coordinates."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from features.complaints.models import ComplaintCase
from features.complaints.spot import RADIUS_METRES, SpotMap, project
from hub.models import Record, Source, User
from hub.state import current_hub
from hub.testing import PASSWORD, PASSWORD_HASH, add_records, csrf_token

SETU, MUNJUL = "31.75.10.1005", "31.75.10.1004"
LAT, LON = -6.225, 106.9
METRES_PER_DEGREE = math.pi / 180 * 6_371_000
DOT = re.compile(r'<use href="#spot-(\w+)" x="(-?[\d.]+)" y="(-?[\d.]+)"/>')
LEGEND = re.compile(r'<li><svg class="spot-key"[^>]*>.*?</svg>([^<]+)</li>')


def place(north: float, east: float) -> tuple[float, float]:
    """The latitude and longitude ``north`` and ``east`` metres from the centre."""
    return (
        LAT + north / METRES_PER_DEGREE,
        LON + east / (METRES_PER_DEGREE * math.cos(math.radians(LAT))),
    )


def ring_radius(metres: int) -> float:
    spot = SpotMap(LAT, LON, (), 0)
    return dict(spot.rings)[metres]


def test_a_point_north_is_drawn_above_the_centre_at_the_scale_of_the_rings() -> None:
    x, y = project(LAT, LON, *place(100, 0))

    assert x == 0
    assert y == pytest.approx(-ring_radius(500) / 5, abs=0.1)


@pytest.mark.parametrize(
    ("north", "east", "expected"),
    [(0, 0, (0, 0)), (0, 250, (1, 0)), (0, -500, (-2, 0)), (-250, 250, (1, 1))],
)
def test_east_is_right_and_south_is_down_at_the_same_scale(
    north: float, east: float, expected: tuple[int, int]
) -> None:
    x, y = project(LAT, LON, *place(north, east))

    unit = ring_radius(250)
    assert (x, y) == (
        pytest.approx(expected[0] * unit, abs=0.1),
        pytest.approx(expected[1] * unit, abs=0.1),
    )


def test_a_degree_of_longitude_is_shorter_away_from_the_equator() -> None:
    at_equator, _ = project(0, 100, 0, 100.001)
    at_sixty, _ = project(60, 100, 60, 100.001)

    assert at_sixty == pytest.approx(at_equator / 2, abs=0.1)


def test_the_links_carry_the_coordinates() -> None:
    spot = SpotMap(-6.2251234, 106.9, (), 0)

    assert spot.geo_uri == "geo:-6.225123,106.900000?q=-6.225123,106.900000"
    assert spot.osm_url == (
        "https://www.openstreetmap.org/?mlat=-6.225123&mlon=106.900000#map=18/-6.225123/106.900000"
    )


def complaint(
    source: Source, external_id: str, north: float | None, east: float = 0, **values
) -> Record:
    latitude, longitude = place(north, east) if north is not None else (None, None)
    defaults = {
        "kind": "complaint",
        "status": "open",
        "category": "Sampah",
        "area_code": SETU,
        "created_at": datetime(2024, 5, 1, 3, tzinfo=UTC),
        "content_hash": external_id,
    }
    return Record(
        source_id=source.id,
        external_id=external_id,
        title=f"Aduan {external_id}",
        latitude=latitude,
        longitude=longitude,
        **(defaults | values),
    )


def add_complaints(app: Flask) -> None:
    """The centre, three visible neighbours (waiting, in process, done), and some that must not
    be drawn: too far, in the box but outside the circle, deleted, merged, another kelurahan's."""
    with current_hub(app).db.session() as session:
        session.add_all(
            User(username=name, role=role, area_code=area, password_hash=PASSWORD_HASH)
            for name, role, area in [("admin", "admin", None), ("setu", "ward_staff", SETU)]
        )
        source = Source(name="qlue-jaktim", type="qlue")
        session.add(source)
        session.flush()
        records = add_records(
            app,
            session,
            [
                complaint(source, "centre", 0),
                complaint(source, "north", 100),
                complaint(source, "east", 0, 200, status="in_progress"),
                complaint(source, "south", -300, status="resolved"),
                complaint(source, "far", 700),
                complaint(source, "corner", 400, 400),
                complaint(source, "deleted", 50, deleted_at=datetime(2024, 5, 2, tzinfo=UTC)),
                complaint(source, "merged", -50),
                complaint(source, "munjul", 0, -100, area_code=MUNJUL),
                complaint(source, "nowhere", None),
            ],
        )
        session.get(ComplaintCase, records[7].id).duplicate_of_id = records[1].id


@pytest.fixture
def app(make_app, sqlite_url) -> Flask:
    app = make_app(sqlite_url, language="en", only=("complaints",))
    add_complaints(app)
    return app


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client)}
    assert client.post("/login", data=data).status_code == 302
    return client


def page_of(app: Flask, username: str, external_id: str) -> str:
    with current_hub(app).db.session() as session:
        record_id = session.query(Record.id).filter_by(external_id=external_id).scalar()
    response = signed_in(app, username).get(f"/complaints/{record_id}")
    assert response.status_code == 200
    return response.text


def dots(page: str) -> list[tuple[str, float, float]]:
    return [(colour, float(x), float(y)) for colour, x, y in DOT.findall(page)]


def legend(page: str) -> list[str]:
    return LEGEND.findall(page)


def test_the_page_maps_the_visible_complaints_nearby_with_their_status(app: Flask) -> None:
    page = page_of(app, "setu", "centre")

    step = ring_radius(500) / RADIUS_METRES
    assert sorted(dots(page)) == [
        ("green", 0.0, pytest.approx(300 * step, abs=0.1)),
        ("red", 0.0, pytest.approx(-100 * step, abs=0.1)),
        ("yellow", pytest.approx(200 * step, abs=0.1), 0.0),
    ]
    assert [colour for colour, _x, _y in dots(page)] == ["green", "yellow", "red"]
    label = "Map of the spot: 3 other complaints within 500 m"
    assert f'role="img" aria-label="{label}"' in page and f"<title>{label}</title>" in page
    assert legend(page) == ["This complaint", "Waiting: 1", "In process: 1", "Done: 1"]
    assert "250 m</text>" in page and "500 m</text>" in page and "North</text>" in page
    assert "-6.225000, 106.900000" in page


def test_the_map_shows_what_the_user_may_see(app: Flask) -> None:
    page = page_of(app, "admin", "centre")

    assert "Map of the spot: 4 other complaints within 500 m" in page
    munjul = ("red", pytest.approx(-100 / RADIUS_METRES * ring_radius(500), abs=0.1), 0.0)
    assert munjul in dots(page)
    assert "Waiting: 2" in legend(page)


def test_the_page_links_to_the_maps_app_with_the_coordinates(app: Flask) -> None:
    page = page_of(app, "setu", "north")

    latitude = f"{place(100, 0)[0]:.6f}"
    assert (
        f'<a class="button secondary" href="geo:{latitude},106.900000?q={latitude},106.900000">'
        in page
    )
    assert "Open in the maps app" in page
    assert (
        f'href="https://www.openstreetmap.org/?mlat={latitude}&amp;mlon=106.900000'
        f'#map=18/{latitude}/106.900000"'
    ) in page


def test_a_complaint_without_coordinates_has_no_map(app: Flask) -> None:
    page = page_of(app, "setu", "nowhere")

    assert re.search(r"<dt>Location</dt>\s*<dd>—</dd>", page)
    assert "spot-map" not in page and "geo:" not in page


def test_only_the_nearest_are_drawn(app: Flask) -> None:
    with current_hub(app).db.session() as session:
        source = session.query(Source).one()
        add_records(
            app, session, [complaint(source, f"n{n}", 10 + n, status="resolved") for n in range(30)]
        )

    page = page_of(app, "setu", "centre")

    assert len(dots(page)) == 30
    assert "Map of the spot: 33 other complaints within 500 m" in page
    assert "The 30 nearest are drawn." in page
    assert legend(page) == ["This complaint", "Done: 30"]


def test_the_map_speaks_indonesian_by_default(make_app, sqlite_url) -> None:
    app = make_app(sqlite_url, only=("complaints",))
    add_complaints(app)

    page = page_of(app, "setu", "centre")

    for expected in [
        "Peta lokasi: 3 aduan lain dalam 500 m",
        "Aduan ini",
        "Menunggu: 1",
        "Buka di aplikasi peta",
        "Utara",
    ]:
        assert expected in page
