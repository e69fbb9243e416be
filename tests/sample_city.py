"""A small plugin for the hub's own tests, written only with hub.api: the city's streetlights.

- A simulated streetlight app: ``GET /api/v1/lights`` lists lights by ``(updated_at, id)``,
  page by page after an opaque ``after`` cursor, with its API key; ``/_sim/tick`` installs
  lights, puts some out, repairs and removes others; ``/_sim/lights`` lists them all at once;
  ``/_sim/faults`` takes the kit's faults (and ``duplicates``: every page also carries a
  repeated light and an older copy of each).
- The ``streetlights`` source type reading it, into records of the ``streetlight`` kind (lit,
  flickering or out) in real kelurahan of Jakarta Timur.
- A menu item and a page listing the lights in the signed-in user's area, the
  ``streetlights.out`` wall tile and a default screen showing it beside the sources' health.

Register it as ``plugins={"streetlights": sample_city}``; the tests' conftest has fixtures.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Flask, request
from markupsafe import escape
from sqlalchemy import func, select

from hub.api import (
    ConfigField,
    FaultInjector,
    InvalidRecord,
    MenuItem,
    Page,
    Record,
    RecordIn,
    RecordKind,
    Simulator,
    SourceError,
    SourceType,
    Status,
    WallScreen,
    Widget,
    area_scope,
    checked_counts,
    current_user,
    hookimpl,
    http_client,
    json_body,
    json_response,
    read_json,
    read_session,
    require_api_key,
    roles_required,
    within,
)

KIND = "streetlight"
LIT, FLICKERING, OUT = "lit", "flickering", "out"
API_KEY, API_KEY_ENV = "streetlights-test-key", "SIMPUL_STREETLIGHTS_API_KEY"
SETU, MUNJUL, CIPAYUNG_VILLAGE = "31.75.10.1005", "31.75.10.1004", "31.75.10.1001"
PISANGAN_BARU, KAYU_MANIS = "31.75.01.1001", "31.75.01.1003"
CIPAYUNG = "31.75.10"
"""The kecamatan of Setu, Munjul and Cipayung."""
STREETS = {
    SETU: "Jl. Raya Setu",
    MUNJUL: "Jl. Munjul",
    CIPAYUNG_VILLAGE: "Jl. Raya Cipayung",
    PISANGAN_BARU: "Jl. Pisangan Baru",
    KAYU_MANIS: "Jl. Kayu Manis",
}
"""Where the lights stand: three kelurahan of Kecamatan Cipayung, two of Matraman."""
UNKNOWN_KELURAHAN = "99.99.99.9999"
WIB = timezone(timedelta(hours=7))
TICK_FIELDS = ("new", "outages", "repairs", "removals")

STREETLIGHT = RecordKind(
    KIND,
    "Streetlight",
    (
        Status(LIT, "Lit", "green"),
        Status(FLICKERING, "Flickering", "yellow"),
        Status(OUT, "Out", "red"),
    ),
)


# The simulated app
# -----------------


class Lights:
    """The app's lights by id. Every change moves a light's ``updated_at`` one second past the
    last change, so the listing's order is the order of changes; thread-safe."""

    def __init__(self, seed: int, size: int) -> None:
        self.rng = random.Random(seed)
        self.lights: dict[str, dict[str, Any]] = {}
        self.clock = datetime(2026, 11, 2, 8, 0, tzinfo=WIB)
        self.installed = 0
        self.lock = threading.Lock()
        for _ in range(size):
            self._install(self.rng.choices((LIT, FLICKERING, OUT), (6, 2, 2))[0])

    def page(self, after: str | None, limit: int) -> tuple[list[dict[str, Any]], bool]:
        with self.lock:
            listed = sorted(self.lights.values(), key=position)
        if after is not None:
            listed = [light for light in listed if position(light) > after]
        return listed[:limit], len(listed) > limit

    def tick(self, new: int, outages: int, repairs: int, removals: int) -> dict[str, list[str]]:
        """Install ``new`` lights (lit), put ``outages`` lit ones out, light ``repairs`` of those
        out again and remove ``removals`` others; each light takes part in one change at most."""
        with self.lock:
            installed = [self._install(LIT) for _ in range(new)]
            out = self._pick(outages, LIT, installed)
            repaired = self._pick(repairs, OUT, installed + out)
            for light_id, status in [*((i, OUT) for i in out), *((i, LIT) for i in repaired)]:
                self.lights[light_id] = {
                    **self.lights[light_id],
                    "status": status,
                    "updated_at": self._now(),
                }
            removed = self._pick(removals, None, installed + out + repaired)
            for light_id in removed:
                del self.lights[light_id]
        return {"installed": installed, "out": out, "repaired": repaired, "removed": removed}

    def _pick(self, count: int, status: str | None, taken: list[str]) -> list[str]:
        candidates = [
            light_id
            for light_id, light in self.lights.items()
            if light_id not in taken and status in (None, light["status"])
        ]
        return self.rng.sample(candidates, min(count, len(candidates)))

    def _install(self, status: str) -> str:
        self.installed += 1
        light_id = f"PJU-{self.installed:04d}"
        kelurahan = self.rng.choice(list(STREETS))
        moment = self._now()
        self.lights[light_id] = {
            "id": light_id,
            "street": f"{STREETS[kelurahan]} No. {self.installed}",
            "kelurahan_code": kelurahan,
            "lamp": self.rng.choice(("LED", "Sodium")),
            "status": status,
            "installed_at": moment,
            "updated_at": moment,
        }
        return light_id

    def _now(self) -> str:
        self.clock += timedelta(seconds=1)
        return self.clock.isoformat()


def position(light: dict[str, Any]) -> str:
    """A light's place in the listing, which is also its ``after`` cursor."""
    return f"{light['updated_at']}~{light['id']}"


def distorted(page: list[dict[str, Any]], faults: FaultInjector) -> list[dict[str, Any]]:
    """The page as the faults have it: repeated and older copies, and two invalid lights."""
    if page and faults.is_on("duplicates"):
        page = [*reversed(page), page[0], *map(older, page)]
    if page and faults.take("invalid_next"):
        page = [
            *page,
            {"street": "Jl. Tanpa Nomor"},
            {**page[0], "id": "PJU-X", "kelurahan_code": UNKNOWN_KELURAHAN},
        ]
    return page


def older(light: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``light`` as it was a second before its last change, flickering."""
    before = datetime.fromisoformat(light["updated_at"]) - timedelta(seconds=1)
    return {**light, "status": FLICKERING, "updated_at": before.isoformat()}


def create_app(*, seed: int = 1, size: int = 40, tick_seconds: float = 0) -> Flask:
    """The streetlight app with ``size`` seeded lights; it changes only on ``/_sim/tick``, whatever
    ``tick_seconds`` says."""
    lights, faults = Lights(seed, size), FaultInjector(extra={"duplicates": False})
    app = Flask(__name__)
    require_api_key(app, API_KEY)
    faults.serve_controls(app)

    @app.get("/api/v1/lights")
    def listing():
        refused = faults.admit()
        if refused is not None:
            return refused
        after = request.args.get("after")
        if after is not None and "~" not in after:
            return json_response({"error": "after is not a cursor from meta.next_after"}, 400)
        page, has_more = lights.page(after, min(int(request.args.get("limit", 100)), 1000))
        next_after = position(page[-1]) if page else None
        data = distorted(page, faults)
        return json_response(
            {"data": data, "meta": {"next_after": next_after, "has_more": has_more}}
        )

    @app.post("/_sim/tick")
    def tick():
        try:
            counts = checked_counts(json_body(), TICK_FIELDS)
        except ValueError as error:
            return json_response({"error": str(error)}, 400)
        return json_response(lights.tick(**counts))

    @app.get("/_sim/lights")
    def every_light():
        with lights.lock:
            return json_response(sorted(lights.lights.values(), key=position))

    return app


# Reading it
# ----------


class LightsConnector:
    """Reads ``GET /api/v1/lights``; the cursor is the app's ``after`` token."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.page_size = settings["page_size"]
        self.client = http_client(
            settings["url"], headers={"X-API-Key": settings["api_key"]}, timeout=settings["timeout"]
        )

    def fetch_page(self, cursor: str | None) -> Page:
        params = {"limit": self.page_size, **({"after": cursor} if cursor else {})}
        body = read_json(self.client.get("/api/v1/lights", params=params))
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SourceError("the streetlight app answered something that is not a listing")
        meta = body.get("meta") or {}
        return Page(body["data"], meta.get("next_after") or cursor, bool(meta.get("has_more")))

    def close(self) -> None:
        self.client.close()


def normalize(light: dict[str, Any]) -> RecordIn:
    if not light.get("id"):
        raise InvalidRecord("the light has no id")
    if STREETLIGHT.status(light.get("status")) is None:
        raise InvalidRecord(f"unknown status {light.get('status')!r}", external_id=light["id"])
    return RecordIn(
        external_id=light["id"],
        kind=KIND,
        title=light["street"],
        status=light["status"],
        category=light.get("lamp"),
        area_code=light.get("kelurahan_code"),
        created_at=datetime.fromisoformat(light["installed_at"]),
        updated_at=datetime.fromisoformat(light["updated_at"]),
    )


# The portal and the wall
# -----------------------

blueprint = Blueprint("streetlights", __name__, url_prefix="/streetlights")


@blueprint.get("/")
@roles_required("admin", "operator", "officer", "ward_staff")
def index() -> str:
    with read_session() as session:
        lights = session.scalars(
            select(Record)
            .where(Record.kind == KIND, Record.deleted_at.is_(None))
            .where(area_scope(Record.area_code, current_user))
            .order_by(Record.external_id)
        )
        items = "".join(f"<li>{escape(light.title)} ({light.status})</li>" for light in lights)
    return f"<h1>Streetlights</h1><ul>{items}</ul>"


def lights_out(session, area_code: str | None, now: datetime) -> dict[str, Any]:
    """How many of the area's lights are out."""
    lights = select(func.count()).where(Record.kind == KIND, Record.deleted_at.is_(None))
    if area_code:
        lights = lights.where(within(Record.area_code, area_code))
    out = session.scalar(lights.where(Record.status == OUT))
    caption = f"of {session.scalar(lights)} lights"
    return {"value": out, "colour": "red" if out else "green", "caption": caption}


@hookimpl
def register_source_types() -> list[SourceType]:
    config = (
        ConfigField("url"),
        ConfigField("api_key", secret=True),
        ConfigField("page_size", "int", required=False, default=100),
        ConfigField("timeout", "float", required=False, default=10.0),
    )
    return [SourceType("streetlights", "Streetlights", LightsConnector, normalize, config)]


@hookimpl
def register_record_kinds() -> list[RecordKind]:
    return [STREETLIGHT]


@hookimpl
def register_simulators() -> list[Simulator]:
    return [
        Simulator(
            name="streetlights",
            source_type="streetlights",
            create_app=create_app,
            source_settings=lambda url: {"url": url, "api_key_env": API_KEY_ENV},
            environment={API_KEY_ENV: API_KEY},
        )
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    return [blueprint]


@hookimpl
def register_menu_items() -> list[MenuItem]:
    return [MenuItem("Streetlights", "streetlights.index", order=10)]


@hookimpl
def register_widgets() -> list[Widget]:
    return [Widget("streetlights.out", "Streetlights out", "kpi", lights_out, (KIND,))]


@hookimpl
def register_screens() -> list[WallScreen]:
    return [WallScreen("streetlights", "Streetlights", ("streetlights.out", "sources.health"), 2)]
