"""The simulated HR system over HTTP: SCIM paging and filtering, SCIM errors, attendance by day,
ticks and faults."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def every_page(scim: httpx.Client, path: str, count: int, **params: Any) -> list[list[dict]]:
    """The ``Resources`` of each page of ``path``, ``count`` at a time."""
    pages, start = [], 1
    while True:
        body = scim.get(path, params={"startIndex": start, "count": count, **params}).json()
        assert (body["startIndex"], body["itemsPerPage"]) == (start, len(body["Resources"]))
        pages.append(body["Resources"])
        start += len(body["Resources"])
        if not body["Resources"] or start > body["totalResults"]:
            return pages


def test_users_are_paged_with_start_index_and_count(scim: httpx.Client) -> None:
    pages = every_page(scim, "/Users", 12)
    users = [user for page in pages for user in page]

    assert [len(page) for page in pages] == [12, 12, 6]
    assert len({user["id"] for user in users}) == 30
    assert len({user[ENTERPRISE]["employeeNumber"] for user in users}) == 30
    stamps = [user["meta"]["lastModified"] for user in users]
    assert stamps == sorted(stamps)
    assert scim.get("/Users", params={"count": 0}).json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 30,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }


def test_a_last_modified_filter_lists_only_what_changed_since(hr, scim: httpx.Client) -> None:
    before = scim.get("/Users", params={"count": 200}).json()["Resources"]
    watermark = max(user["meta"]["lastModified"] for user in before)
    since = {"filter": f'meta.lastModified gt "{watermark}"', "count": 200}
    assert scim.get("/Users", params=since).json()["totalResults"] == 0

    changed = hr.control("/_sim/tick", {"moves": 2, "hires": 1, "suspensions": 1})

    users = scim.get("/Users", params=since).json()["Resources"]
    expected = set(changed["moved"] + changed["hired"] + changed["suspended"])
    assert {user["id"] for user in users} == expected
    groups = scim.get("/Groups", params=since).json()["Resources"]
    joined = {u[ENTERPRISE]["department"] for u in users if u["id"] not in changed["suspended"]}
    assert joined <= {group["displayName"] for group in groups}
    assert all(group["meta"]["lastModified"] > watermark for group in groups)
    until = {"filter": f'meta.lastModified le "{watermark}"', "count": 200}
    unchanged = scim.get("/Users", params=until).json()["Resources"]
    assert {user["id"] for user in unchanged} == {user["id"] for user in before} - expected


def test_groups_are_units_with_their_formation_and_members(scim: httpx.Client) -> None:
    groups = [g for page in every_page(scim, "/Groups", 50) for g in page]
    by_name = {group["displayName"]: group for group in groups}
    lean = scim.get("/Groups", params={"excludedAttributes": "members"}).json()["Resources"]

    assert len(groups) == 110
    wenang_utara = by_name["Kelurahan Wenang Utara"]
    details = wenang_utara["urn:simpul:scim:schemas:extension:formation:1.0:Group"]
    assert (details["organization"], details["areaCode"]) == ("Kecamatan Wenang", "71.71.04.1005")
    assert details["formation"][0] == {"position": "Lurah", "count": 1}
    members = sum(len(group["members"]) for group in groups)
    assert members == 30 and all("members" not in group for group in lean)


@pytest.mark.parametrize(
    ("path", "params", "status", "scim_type"),
    [
        ("/Users", {"filter": 'userName eq "budi"'}, 400, "invalidFilter"),
        ("/Users", {"filter": 'meta.lastModified gt "yesterday"'}, 400, "invalidFilter"),
        ("/Users", {"startIndex": "first"}, 400, "invalidValue"),
        ("/Users/no-such-user", {}, 404, None),
    ],
    ids=["unsupported filter", "bad time", "bad start index", "unknown user"],
)
def test_errors_follow_the_scim_error_schema(
    scim: httpx.Client, path: str, params: dict, status: int, scim_type: str | None
) -> None:
    response = scim.get(path, params=params)

    body = response.json()
    assert response.status_code == status
    assert response.headers["content-type"] == "application/scim+json"
    assert (body["schemas"], body["status"], body.get("scimType")) == (
        [ERROR],
        str(status),
        scim_type,
    )
    assert body["detail"]


def test_a_wrong_token_is_refused_in_the_scim_error_schema(hr) -> None:
    response = httpx.get(f"{hr.url}/scim/v2/Users", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401
    assert response.json() == {
        "schemas": [ERROR],
        "status": "401",
        "detail": "the bearer token is missing or wrong",
    }


def test_injected_failures_answer_once_each(hr, scim: httpx.Client) -> None:
    hr.control("/_sim/faults", {"rate_limit_next": 1, "retry_after": 7, "fail_next": 1})

    failed, limited, fine = (scim.get("/Users") for _ in range(3))

    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert limited.json()["schemas"] == [ERROR]
    assert (failed.status_code, failed.json()["status"]) == (500, "500")
    assert fine.status_code == 200
    hr.control("/_sim/faults", {"malformed_next": 1})
    with pytest.raises(ValueError):
        scim.get("/Users").json()


def test_fault_and_tick_requests_are_checked(hr) -> None:
    headers = {"X-API-Key": hr.api_key}
    with httpx.Client(base_url=hr.url, headers=headers) as control:
        bad_fault = control.post("/_sim/faults", json={"fail_next": -1})
        unknown_fault = control.post("/_sim/faults", json={"explode": 1})
        bad_tick = control.post("/_sim/tick", json={"moves": "two"})

    assert (bad_fault.status_code, bad_fault.json()) == (
        400,
        {"error": "fail_next must be a whole number, 0 or more"},
    )
    assert unknown_fault.status_code == 400 and "unknown fault 'explode'" in unknown_fault.text
    assert (bad_tick.status_code, bad_tick.json()) == (
        400,
        {"error": "moves must be a whole number, 0 or more"},
    )


def test_the_same_seed_makes_the_same_city(serve_simulator) -> None:
    def nips(simulator: Any) -> list[str]:
        headers = {"Authorization": f"Bearer {simulator.api_key}"}
        users = httpx.get(f"{simulator.url}/scim/v2/Users", headers=headers).json()["Resources"]
        return sorted(user[ENTERPRISE]["employeeNumber"] for user in users)

    first, again, other = (serve_simulator("hr", size=10, seed=s) for s in (4, 4, 5))

    assert nips(first) == nips(again) != nips(other)


def attendance(simulator: Any, day: date, **params: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {simulator.api_key}"}
    query = {"date": day.isoformat(), **params}
    return httpx.get(f"{simulator.url}/api/v1/attendance", headers=headers, params=query).json()


def test_attendance_is_listed_by_day_and_page_and_check_outs_come_with_ticks(
    serve_simulator, today: date
) -> None:
    wednesday = today - timedelta(days=today.weekday() - 2 + 7)
    simulator = serve_simulator("hr", size=30, today=wednesday)
    first = attendance(simulator, wednesday - timedelta(days=2), per_page=20)
    second = attendance(simulator, wednesday - timedelta(days=2), per_page=20, page=2)

    records = first["data"] + second["data"]
    assert (first["has_more"], second["has_more"]) == (True, False)
    assert len(records) == first["total"] == len({r["nip"] for r in records}) >= 25
    assert {r["status"] for r in records} <= {"present", "late", "leave", "duty_travel", "absent"}
    assert all(r["check_out"] for r in records if r["status"] in ("present", "late"))
    assert attendance(simulator, wednesday - timedelta(days=2), per_page=20) == first
    assert attendance(simulator, wednesday - timedelta(days=3))["data"] == []
    assert attendance(simulator, wednesday + timedelta(days=1))["data"] == []

    at_work = [r["nip"] for r in attendance(simulator, wednesday)["data"] if r["check_in"]]
    assert at_work and not any(r["check_out"] for r in attendance(simulator, wednesday)["data"])
    checked_out = simulator.control("/_sim/tick", {"checkouts": 2})["checked_out"]
    after = {r["nip"]: r for r in attendance(simulator, wednesday)["data"]}
    assert len(checked_out) == 2 and set(checked_out) <= set(at_work)
    assert all(after[nip]["check_out"] > after[nip]["check_in"] for nip in checked_out)
    assert sum(1 for r in after.values() if r["check_out"]) == 2
