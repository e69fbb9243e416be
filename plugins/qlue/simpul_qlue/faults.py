"""The simulator's own faults on top of the kit's: duplicates, stale copies, invalid reports in
the listing, and broken answers to the next photo requests (an error, an HTML page, a huge file)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from flask import Response

from hub.api import FaultInjector
from simpul_qlue.reports import STATUSES, format_time, parse_time

QLUE_FAULTS: dict[str, int | bool] = {
    "duplicates": False,
    "out_of_order": False,
    "photo_fail_next": 0,
    "photo_html_next": 0,
    "photo_huge_next": 0,
}
HUGE_PHOTO_BYTES = 12 * 1024 * 1024
CHUNK = 64 * 1024
LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Masuk</title></head>"
    "<body><h1>Sesi Anda telah berakhir</h1><p>Silakan masuk kembali.</p></body></html>"
)
UNKNOWN_KELURAHAN = "99.99.99.9999"
ONE_SECOND = timedelta(seconds=1)


def distort(
    faults: FaultInjector, rng: random.Random, page: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The page as the faults have it: with duplicates, stale copies and invalid reports."""
    if not page:
        return page
    distorted = list(page)
    if faults.is_on("duplicates"):
        distorted.insert(rng.randrange(len(page) + 1), rng.choice(page))
    if faults.is_on("out_of_order"):
        rng.shuffle(distorted)
        moved = [report for report in page if report["status"] != "wait"] or page
        distorted.append(stale_copy(rng.choice(moved)))
    number = faults.take("invalid_next")
    if number:
        distorted.extend(invalid_reports(page[0], number))
    return distorted


def stale_copy(report: dict[str, Any]) -> dict[str, Any]:
    """An older version of ``report``: the status before, when it was created."""
    created, updated = report["created_at"], report["updated_at"]
    earlier = created if updated > created else format_time(parse_time(updated) - ONE_SECOND)
    status = STATUSES[max(0, STATUSES.index(report["status"]) - 1)]
    return {**report, "status": status, "updated_at": earlier}


def invalid_reports(model: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """Two broken reports shaped like ``model``: one without an id, one in an unknown kelurahan."""
    without_id = {key: value for key, value in model.items() if key != "id"}
    prefix = model["id"].rsplit("-", 1)[0]
    elsewhere = {
        **model,
        "id": f"{prefix}-X{number:05d}",
        "location": {**model["location"], "kelurahan_code": UNKNOWN_KELURAHAN},
    }
    return [without_id, elsewhere]


def photo_fault(faults: FaultInjector) -> Response | None:
    """The broken answer the next photo request gets, or None to serve the photo: a 503, an
    HTML page (as a CDN's login wall answers), or a JPEG of 12 MB sent without its length."""
    if faults.take("photo_fail_next"):
        return Response("simulated failure", 503, mimetype="text/plain")
    if faults.take("photo_html_next"):
        return Response(LOGIN_PAGE, mimetype="text/html")
    if faults.take("photo_huge_next"):
        return Response(_huge_photo(), mimetype="image/jpeg")
    return None


def _huge_photo() -> Iterator[bytes]:
    yield b"\xff\xd8\xff\xe0"
    for _ in range(HUGE_PHOTO_BYTES // CHUNK):
        yield bytes(CHUNK)
