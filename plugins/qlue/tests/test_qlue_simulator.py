"""The simulator's API: realistic seeded data, paging, filters, ticks, auth and faults."""

from __future__ import annotations

import re
import time
from collections import Counter
from io import BytesIO

import httpx
import pytest
from PIL import Image
from simpul_qlue.data import CATEGORIES, CITY_BOXES
from simpul_qlue.simulator import DEMO_API_KEY, MAX_LIMIT, create_app

from hub.api import AreaDirectory, is_within

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
KEY = {"X-API-Key": DEMO_API_KEY}


def listing(client: httpx.Client, **params: object) -> dict:
    response = client.get("/api/v1/reports", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def everything(client: httpx.Client) -> list[dict]:
    return listing(client, limit=MAX_LIMIT)["data"]


@pytest.mark.parametrize("city", ["31.75", "36.71", "71.71"])
def test_seeded_reports_are_realistic(serve, areas: AreaDirectory, city: str) -> None:
    server = serve(size=300, city=city)
    with httpx.Client(base_url=server.url, headers=KEY) as client:
        reports = everything(client)

    assert len(reports) == 300
    box = CITY_BOXES[city]
    prefix = "QLUE-" + city.replace(".", "") + "-"
    for report in reports:
        location = report["location"]
        assert report["id"].startswith(prefix)
        assert report["category"] in {c.name for c in CATEGORIES}
        assert report["status"] in {"wait", "process", "complete"}
        assert areas.get(location["kelurahan_code"]).level == "village"
        assert is_within(location["kelurahan_code"], city)
        assert box.south <= location["lat"] <= box.north
        assert box.west <= location["lng"] <= box.east
        assert areas.get(location["kelurahan_code"]).name in location["address"]
        assert "Jl. " in report["title"] and report["description"]
        assert report["photo_url"] == f"{server.url}/photos/{report['id']}.jpg"
        assert TIMESTAMP.fullmatch(report["created_at"])
        assert TIMESTAMP.fullmatch(report["updated_at"])
        assert report["created_at"] <= report["updated_at"]
    assert len({r["location"]["kelurahan_code"] for r in reports}) > 20


def test_older_reports_are_mostly_complete_and_recent_ones_open(control: httpx.Client) -> None:
    reports = sorted(everything(control), key=lambda r: r["created_at"])
    oldest, newest = reports[:100], reports[-10:]

    assert Counter(r["status"] for r in oldest)["complete"] >= 80
    assert Counter(r["status"] for r in newest)["complete"] <= 2


def test_data_depends_only_on_the_seed(areas: AreaDirectory) -> None:
    def first_page(seed: int) -> list[dict]:
        client = create_app(areas, seed=seed, size=50).test_client()
        return client.get("/api/v1/reports", headers=KEY).get_json()["data"]

    assert first_page(7) == first_page(7)
    assert first_page(7) != first_page(8)


def test_unknown_city_is_refused(areas: AreaDirectory) -> None:
    with pytest.raises(ValueError, match=r"unknown city '32\.73'"):
        create_app(areas, city="32.73")


def test_listing_is_sorted_and_paged_with_after_tokens(control: httpx.Client) -> None:
    seen: list[dict] = []
    body = listing(control, limit=120)
    while True:
        seen.extend(body["data"])
        if not body["meta"]["has_more"]:
            break
        body = listing(control, limit=120, after=body["meta"]["next_after"])

    keys = [(r["updated_at"], r["id"]) for r in seen]
    assert keys == sorted(keys) and len(set(keys)) == 300
    assert listing(control, after=body["meta"]["next_after"]) == {
        "data": [],
        "meta": {"next_after": None, "has_more": False},
    }


def test_limit_defaults_to_100_and_is_capped(serve) -> None:
    server = serve(size=1200)
    with httpx.Client(base_url=server.url, headers=KEY) as client:
        assert len(listing(client)["data"]) == 100
        assert len(listing(client, limit=5000)["data"]) == MAX_LIMIT


def test_updated_since_returns_reports_changed_at_or_after_it(control: httpx.Client) -> None:
    reports = everything(control)
    since = reports[200]["updated_at"]

    recent = listing(control, updated_since=since, limit=MAX_LIMIT)["data"]

    assert recent == [r for r in reports if r["updated_at"] >= since]
    assert recent[0]["updated_at"] == since


def test_updated_since_accepts_other_zones(control: httpx.Client) -> None:
    reports = everything(control)
    since = reports[150]["updated_at"].replace("Z", "+00:00")

    recent = listing(control, updated_since=since, limit=MAX_LIMIT)["data"]

    assert [r["id"] for r in recent] == [r["id"] for r in reports[150:]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "many"}, "limit must be a whole number"),
        ({"limit": "0"}, "limit must be at least 1"),
        ({"after": "page-2"}, "after is not a cursor"),
        ({"after": "2026-11-01T00:00:00Z~QLUE-3175-000001"}, "after is not a cursor"),
        ({"updated_since": "yesterday"}, "updated_since must be an ISO 8601 time"),
        ({"updated_since": "2026-11-01T00:00:00"}, "updated_since must be an ISO 8601 time"),
    ],
)
def test_bad_parameters_answer_400(control: httpx.Client, params: dict, message: str) -> None:
    response = control.get("/api/v1/reports", params=params)

    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/reports"),
        ("POST", "/_sim/tick"),
        ("POST", "/_sim/faults"),
        ("GET", "/_sim/stats"),
        ("GET", "/_sim/reports/QLUE-3175-000001"),
    ],
)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}])
def test_wrong_or_missing_key_answers_401(server, method: str, path: str, headers: dict) -> None:
    response = httpx.request(method, server.url + path, headers=headers, json={})

    assert response.status_code == 401
    assert response.json() == {"error": "invalid api key"}


def test_photos_are_jpegs_served_without_a_key(server) -> None:
    response = httpx.get(f"{server.url}/photos/QLUE-3175-000001.jpg")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8") and response.content.endswith(b"\xff\xd9")
    image = Image.open(BytesIO(response.content))
    assert (image.format, image.size) == ("JPEG", (480, 360))
    assert len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 100


def test_each_report_has_its_own_photo_the_same_for_the_same_seed(serve) -> None:
    first, again, other = serve(size=5, seed=3), serve(size=5, seed=3), serve(size=5, seed=4)

    def photos(server) -> list[bytes]:
        return [
            httpx.get(f"{server.url}/photos/QLUE-3175-{n:06d}.jpg").content for n in range(1, 6)
        ]

    assert photos(first) == photos(again)
    assert len(set(photos(first))) == 5
    assert photos(first) != photos(other)


def test_a_report_that_does_not_exist_has_no_photo(server) -> None:
    assert httpx.get(f"{server.url}/photos/QLUE-3175-999999.jpg").status_code == 404


def test_photo_faults_break_the_next_photos_and_leave_the_listing_alone(
    server, control: httpx.Client
) -> None:
    url = f"{server.url}/photos/QLUE-3175-000001.jpg"
    control.post(
        "/_sim/faults", json={"photo_fail_next": 1, "photo_html_next": 1, "photo_huge_next": 1}
    )

    assert listing(control, limit=1)["data"]
    failed = httpx.get(url)
    html = httpx.get(url)
    with httpx.stream("GET", url) as huge:
        size = sum(len(chunk) for chunk in huge.iter_bytes())
        huge_type = huge.headers["Content-Type"]
    fine = httpx.get(url)

    assert failed.status_code == 503
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert html.text.startswith("<!DOCTYPE html>")
    assert huge_type == "image/jpeg" and size > 12_000_000
    assert fine.status_code == 200 and fine.content.startswith(b"\xff\xd8")


def test_listing_faults_leave_the_photos_alone(server, control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"fail_next": 1})

    assert httpx.get(f"{server.url}/photos/QLUE-3175-000001.jpg").status_code == 200
    assert control.get("/api/v1/reports").status_code == 500


def test_one_report_by_id(control: httpx.Client) -> None:
    first = everything(control)[0]

    assert control.get(f"/_sim/reports/{first['id']}").json() == first
    assert control.get("/_sim/reports/QLUE-3175-999999").status_code == 404


def test_tick_creates_advances_and_deletes(control: httpx.Client) -> None:
    before = {r["id"]: r for r in everything(control)}
    newest = max(r["updated_at"] for r in before.values())

    result = control.post("/_sim/tick", json={"new": 3, "updates": 4, "deletes": 2}).json()

    assert len(result["created"]) == 3 and len(result["updated"]) == 4
    assert len(result["deleted"]) == 2
    assert result["total"] == 300 + 3 - 2
    after = {r["id"]: r for r in everything(control)}
    for report_id in result["created"]:
        if report_id not in result["deleted"]:
            assert after[report_id]["status"] == "wait"
            assert after[report_id]["updated_at"] > newest
    steps = {"wait": "process", "process": "complete"}
    for report_id in set(result["updated"]) - set(result["deleted"]):
        assert after[report_id]["status"] == steps[before[report_id]["status"]]
        assert after[report_id]["updated_at"] > newest
    for report_id in result["deleted"]:
        assert report_id not in after
        assert control.get(f"/_sim/reports/{report_id}").status_code == 404
    assert control.get("/_sim/stats").json()["total"] == result["total"]


def test_changed_reports_move_to_the_end_of_the_listing(control: httpx.Client) -> None:
    result = control.post("/_sim/tick", json={"new": 2, "updates": 5}).json()

    tail = everything(control)[-7:]

    assert {r["id"] for r in tail} == set(result["created"]) | set(result["updated"])
    keys = [(r["updated_at"], r["id"]) for r in everything(control)]
    assert keys == sorted(keys)


def test_tick_with_an_empty_body_changes_nothing(control: httpx.Client) -> None:
    assert control.post("/_sim/tick").json() == {
        "created": [],
        "updated": [],
        "deleted": [],
        "disputed": [],
        "total": 300,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"new": -1}, "new must be a whole number"),
        ({"updates": "2"}, "updates must be a whole number"),
        ({"spam": 1}, "unknown field 'spam'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_tick_answers_400(control: httpx.Client, body: object, message: str) -> None:
    response = control.post("/_sim/tick", json=body)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_stats_count_report_requests(control: httpx.Client) -> None:
    for _ in range(3):
        listing(control)
    control.get("/_sim/stats")

    assert control.get("/_sim/stats").json() == {"total": 300, "requests": 3}


def test_faults_are_reported_and_reset(control: httpx.Client) -> None:
    state = control.post("/_sim/faults", json={"fail_next": 2, "duplicates": True}).json()

    assert state["fail_next"] == 2 and state["duplicates"] is True
    assert state["retry_after"] == 1 and state["latency_ms"] == 0
    state = control.post("/_sim/faults", json={"reset": True, "invalid_next": 1}).json()
    assert state == {
        "latency_ms": 0,
        "fail_next": 0,
        "rate_limit_next": 0,
        "retry_after": 1,
        "malformed_next": 0,
        "garbage_next": 0,
        "invalid_next": 1,
        "duplicates": False,
        "out_of_order": False,
        "photo_fail_next": 0,
        "photo_html_next": 0,
        "photo_huge_next": 0,
    }


def test_failures_count_down(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 9})

    assert control.get("/api/v1/reports").status_code == 500
    limited = control.get("/api/v1/reports")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "9"
    assert control.get("/api/v1/reports").status_code == 200
    assert control.post("/_sim/faults", json={}).json()["fail_next"] == 0


def test_malformed_next_answers_broken_json(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"malformed_next": 1})

    response = control.get("/api/v1/reports")

    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert listing(control)["data"]


def test_latency_delays_report_requests(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"latency_ms": 80})

    started = time.perf_counter()
    listing(control, limit=1)

    assert time.perf_counter() - started >= 0.08


def test_duplicates_repeat_one_report_per_page(control: httpx.Client) -> None:
    clean = listing(control, limit=50)
    control.post("/_sim/faults", json={"duplicates": True})

    page = listing(control, limit=50)

    ids = Counter(r["id"] for r in page["data"])
    assert len(page["data"]) == 51 and len(ids) == 50
    assert list(ids.values()).count(2) == 1
    assert page["meta"] == clean["meta"]


def test_out_of_order_shuffles_and_adds_a_stale_copy(control: httpx.Client) -> None:
    clean = listing(control, limit=50)
    control.post("/_sim/faults", json={"out_of_order": True})

    page = listing(control, limit=50)

    data = page["data"]
    assert len(data) == 51 and page["meta"] == clean["meta"]
    assert data[:50] != clean["data"]
    assert sorted(data[:50], key=lambda r: (r["updated_at"], r["id"])) == clean["data"]
    stale = data[50]
    current = next(r for r in clean["data"] if r["id"] == stale["id"])
    assert stale["updated_at"] < current["updated_at"]
    order = ["wait", "process", "complete"]
    assert order.index(stale["status"]) == max(0, order.index(current["status"]) - 1)


def test_invalid_next_adds_broken_reports_to_the_next_pages(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"invalid_next": 1})

    broken = listing(control, limit=20)["data"]
    clean = listing(control, limit=20)["data"]

    assert len(broken) == 22 and len(clean) == 20
    assert sum("id" not in r for r in broken) == 1
    codes = [r["location"]["kelurahan_code"] for r in broken]
    assert codes.count("99.99.99.9999") == 1
    assert all("id" in r for r in clean)


def test_a_dispute_turns_a_completed_report_red_again(control: httpx.Client) -> None:
    disputed = control.post("/_sim/tick", json={"disputes": 2}).json()["disputed"]

    assert len(disputed) == 2
    for report_id in disputed:
        assert control.get(f"/_sim/reports/{report_id}").json()["status"] == "wait"
