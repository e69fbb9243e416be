"""The simulator's own faults on top of the kit's: duplicates, stale copies, invalid reports."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from hub.api import FaultInjector
from simpul_qlue.reports import STATUSES, format_time, parse_time

QLUE_FAULTS: dict[str, int | bool] = {"duplicates": False, "out_of_order": False}
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
