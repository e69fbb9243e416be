"""The complaints map for everywhere: every city with complaints, each in an inset of its own;
a screen for one city shows that city alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from features.complaints.widgets.map import CITY_BOXES, complaint_map
from hub.models import Area, Record, Source
from hub.models.base import utcnow
from hub.state import current_hub
from hub.testing import add_records

SETU = "31.75.10.1005"


@pytest.fixture
def two_cities(make_app, sqlite_url):
    """Three complaints in Jakarta Timur and two in Manado: the app."""
    app = make_app(sqlite_url, only=("complaints",))
    now = utcnow()
    with current_hub(app).db.session() as session:
        manado = session.scalar(
            select(Area.code).where(Area.code.like("71.71.__.____")).order_by(Area.code)
        )
        source = Source(name="qlue-city", type="qlue")
        session.add(source)
        session.flush()
        places = [(SETU, -6.33, 106.90)] * 3 + [(manado, 1.49, 124.84)] * 2
        add_records(
            app,
            session,
            [
                Record(
                    source_id=source.id,
                    external_id=f"c{index}",
                    kind="complaint",
                    status="open",
                    category="Sampah",
                    area_code=area,
                    title="Sampah menumpuk",
                    latitude=lat,
                    longitude=lon,
                    created_at=now - timedelta(hours=2),
                    updated_at=now - timedelta(hours=1),
                    content_hash=f"c{index}",
                )
                for index, (area, lat, lon) in enumerate(places)
            ],
        )
    return app


def mapped(app, area: str | None) -> dict:
    with app.test_request_context("/?lang=en"), current_hub(app).db.read_session() as session:
        return complaint_map(session, area, utcnow())


def test_a_map_for_everywhere_shows_every_city_in_an_inset_busiest_first(two_cities):
    data = mapped(two_cities, None)

    assert [(point["lat"], point["count"]) for point in data["points"]] == [(-6.33, 3), (1.49, 2)]
    assert data["insets"] == [
        {"title": "Kota Administrasi Jakarta Timur", "bounds": CITY_BOXES["31.75"].as_dict()},
        {"title": "Kota Manado", "bounds": CITY_BOXES["71.71"].as_dict()},
    ]
    assert data["bounds"] == CITY_BOXES["31.75"].as_dict()
    assert data["caption"] == "5 complaints"


def test_a_map_for_one_city_shows_it_alone(two_cities):
    data = mapped(two_cities, "71.71")

    assert [(point["lat"], point["count"]) for point in data["points"]] == [(1.49, 2)]
    assert "insets" not in data
    assert data["bounds"] == CITY_BOXES["71.71"].as_dict()
