"""GeoReport v2 servers shaped like real cities' published ones, served by one Flask app.

Each city sits under its own path (``/chicago/open311/v2/...``) and answers as its server does:

- Chicago (311api.cityofchicago.org): hex service codes; ``extended_attributes`` and ``notes``
  only when asked with ``extensions=true``;
- San Francisco (mobile311.sfgov.org): the outcome in ``status_notes`` ("Case is a Duplicate");
- Bloomington's uReport (bloomington.in.gov/crm): integer service codes and ids, in services and
  requests, some requests without ``service_name``; ``status_notes`` "Duplicate", "Bogus";
- Toronto (secure.toronto.ca/webwizard/ws): refuses a listing without ``jurisdiction_id=toronto.ca``
  and wraps it in ``{"service_requests": [...]}``;
- Helsinki (asiointi.hel.fi/palautews/rest/v1): codes of digits as text, Finnish text,
  ``extended_attributes`` with ``extensions=true``.

The requests are made ``days`` before the moment the app is made, and listed by the standard's
``start_date``/``end_date``; the page parameters are ignored, as most servers do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, jsonify, request

CITIES = ("chicago", "sanfrancisco", "bloomington", "toronto", "helsinki")


def create_app(now: datetime | None = None) -> Flask:
    """The five cities' servers, their requests made in the days before ``now``."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    data = {
        city: (SERVICES[city], [_dated(item, now) for item in REQUESTS[city]]) for city in CITIES
    }
    app = Flask("cities")
    app.config["asked"] = []

    @app.get("/<city>/open311/v2/services.json")
    def services(city: str) -> Response:
        return jsonify(data[city][0])

    @app.get("/<city>/open311/v2/requests.json")
    def requests(city: str) -> Response | tuple[Response, int]:
        app.config["asked"].append((city, request.args.to_dict()))
        if city == "toronto" and request.args.get("jurisdiction_id") != "toronto.ca":
            return jsonify([{"code": 400, "description": "jurisdiction_id is required"}]), 400
        found = _between(
            data[city][1], request.args.get("start_date"), request.args.get("end_date")
        )
        if request.args.get("extensions") != "true":
            found = [_without_extensions(item) for item in found]
        return jsonify({"service_requests": found} if city == "toronto" else found)

    return app


def _dated(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    """``item`` with its ``days`` ago (requested) and ``updated`` days ago as times in its zone."""
    item = dict(item)
    zone = item.pop("zone")
    requested = now - timedelta(days=item.pop("days"))
    updated = now - timedelta(days=item.pop("updated", 0))
    item["requested_datetime"] = requested.astimezone(zone).isoformat()
    item["updated_datetime"] = updated.astimezone(zone).isoformat()
    return item


def _between(items: list[dict[str, Any]], first: str | None, last: str | None) -> list[dict]:
    start = datetime.fromisoformat(first) if first else datetime.min.replace(tzinfo=UTC)
    end = datetime.fromisoformat(last) if last else datetime.max.replace(tzinfo=UTC)
    return [i for i in items if start <= datetime.fromisoformat(i["requested_datetime"]) <= end]


def _without_extensions(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("extended_attributes", "notes")}


CHICAGO, SAN_FRANCISCO = ZoneInfo("America/Chicago"), ZoneInfo("America/Los_Angeles")
INDIANA, TORONTO, HELSINKI = (
    ZoneInfo("America/Indiana/Indianapolis"),
    ZoneInfo("America/Toronto"),
    ZoneInfo("Europe/Helsinki"),
)

SERVICES: dict[str, list[dict[str, Any]]] = {
    "chicago": [
        {
            "service_code": "4fd3b656e750846c53000004",
            "service_name": "Pothole in Street",
            "description": "Report a pothole in the street",
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": "Streets & Sanitation",
        }
    ],
    "sanfrancisco": [
        {
            "service_code": "518d5892601827e3880000c5",
            "service_name": "Street and Sidewalk Cleaning",
            "description": "Garbage, debris or spills on streets and sidewalks",
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": "Public Works",
        }
    ],
    "bloomington": [
        {
            "service_code": 139,
            "service_name": "Pothole",
            "description": "Potholes in city streets",
            "metadata": False,
            "type": "realtime",
            "keywords": "street, road",
            "group": "Street Department",
        },
        {
            "service_code": 27,
            "service_name": "Trash Pickup",
            "description": "Missed trash pickup",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "Sanitation",
        },
    ],
    "toronto": [
        {
            "service_code": "CSROWR-12",
            "service_name": "Road - Pot hole",
            "description": "",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "Transportation Services",
        }
    ],
    "helsinki": [
        {
            "service_code": "2809",
            "service_name": "Roskaantuminen",
            "description": "Roskaantunut tai likainen paikka",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "Kaupunkiympäristö",
        }
    ],
}

REQUESTS: dict[str, list[dict[str, Any]]] = {
    "chicago": [
        {
            "service_request_id": "19-00987654",
            "status": "closed",
            "status_notes": None,
            "service_name": "Pothole in Street",
            "service_code": "4fd3b656e750846c53000004",
            "description": "Large pothole in the curb lane",
            "agency_responsible": "CDOT - Department of Transportation",
            "service_notice": "",
            "address": "3300 W BELMONT AVE, CHICAGO, IL, 60618",
            "zipcode": "60618",
            "lat": 41.93938,
            "long": -87.71181,
            "media_url": None,
            "extended_attributes": {
                "channel": "Internet",
                "duplicate": False,
                "parent_service_request_id": None,
                "x": 1153234.71,
                "y": 1921262.93,
                "ward": 33,
                "police_district": 17,
            },
            "notes": [
                {
                    "datetime": "2019-06-03T09:29:51-05:00",
                    "summary": "Request opened",
                    "type": "opened",
                },
                {
                    "datetime": "2019-06-05T13:33:36-05:00",
                    "summary": "Pothole Patched",
                    "type": "activity",
                    "description": "Crew filled 2 potholes",
                },
            ],
            "zone": CHICAGO,
            "days": 6,
            "updated": 4,
        }
    ],
    "sanfrancisco": [
        {
            "service_request_id": "101003041523",
            "status": "closed",
            "status_notes": "Case is a Duplicate - see 101003041519",
            "service_name": "Street and Sidewalk Cleaning",
            "service_code": "518d5892601827e3880000c5",
            "description": "Bulky Items: mattress on the sidewalk",
            "agency_responsible": "Recology_Abandoned",
            "service_notice": None,
            "address": "Intersection of MISSION ST and 16TH ST",
            "address_id": None,
            "zipcode": None,
            "lat": 37.76503,
            "long": -122.41966,
            "media_url": "https://mobile311.sfgov.org/media/san_francisco/report/photos/abc.jpg",
            "zone": SAN_FRANCISCO,
            "days": 5,
            "updated": 5,
        },
        {
            "service_request_id": "101003041519",
            "status": "closed",
            "status_notes": "Case Resolved - Pickup completed.",
            "service_name": "Street and Sidewalk Cleaning",
            "service_code": "518d5892601827e3880000c5",
            "description": "Bulky Items: mattress",
            "agency_responsible": "Recology_Abandoned",
            "address": "2000 MISSION ST, SAN FRANCISCO, CA, 94110",
            "lat": 37.76511,
            "long": -122.41954,
            "media_url": None,
            "zone": SAN_FRANCISCO,
            "days": 5,
            "updated": 3,
        },
    ],
    "bloomington": [
        {
            "service_request_id": 179533,
            "status": "closed",
            "status_notes": "Duplicate",
            "service_name": "Pothole",
            "service_code": 139,
            "description": "Pothole at the corner of Kirkwood and Walnut",
            "agency_responsible": "Street Department",
            "address": "100 W Kirkwood Ave",
            "lat": 39.16658,
            "long": -86.53444,
            "zone": INDIANA,
            "days": 8,
            "updated": 7,
        },
        {
            "service_request_id": 179534,
            "status": "closed",
            "status_notes": "Bogus",
            "service_code": 27,
            "description": "Trash not picked up",
            "address": "401 N Morton St",
            "lat": 39.17069,
            "long": -86.53519,
            "zone": INDIANA,
            "days": 8,
            "updated": 6,
        },
        {
            "service_request_id": 179535,
            "status": "open",
            "status_notes": None,
            "service_code": 139,
            "description": "Deep pothole on 3rd Street",
            "address": "300 E 3rd St",
            "lat": 39.16502,
            "long": -86.52994,
            "zone": INDIANA,
            "days": 2,
        },
    ],
    "toronto": [
        {
            "service_request_id": "101002216734",
            "status": "closed",
            "status_notes": "Not a City issue: private property",
            "service_name": "Road - Pot hole",
            "service_code": "CSROWR-12",
            "description": "",
            "agency_responsible": "Transportation Services",
            "address": "100 QUEEN ST W",
            "lat": 43.65323,
            "long": -79.38318,
            "zone": TORONTO,
            "days": 4,
            "updated": 2,
        }
    ],
    "helsinki": [
        {
            "service_request_id": "8c0ef1ff-5d2e-4b9c-9b3e-3a6f2b3d1a7e",
            "status": "open",
            "status_notes": "Kiitos palautteesta, välitämme sen eteenpäin.",
            "service_name": "Roskaantuminen",
            "service_code": "2809",
            "description": "Roskia puistossa penkin vieressä",
            "agency_responsible": "Kaupunkiympäristö",
            "address": "Mannerheimintie 13, Helsinki",
            "lat": 60.17105,
            "long": 24.93782,
            "media_url": None,
            "extended_attributes": {
                "title": "Roskia puistossa",
                "detailed_status": "PUBLIC_WORKS_NEW",
                "media_urls": ["https://asiointi.hel.fi/palautews/media/1.jpg"],
            },
            "zone": HELSINKI,
            "days": 1,
        }
    ],
}
