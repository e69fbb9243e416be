"""The simulator's API: realistic seeded books, paging, time moving on, auth and faults."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal

import httpx
import pytest
from simpul_finance.simulator import DEMO_API_KEY, MAX_LIMIT, create_app

from hub.api import AreaDirectory

KEY = {"X-API-Key": DEMO_API_KEY}
ACCOUNT_CODE = re.compile(r"5\.[12]\.\d{2}\.\d{2}\.\d{2}\.\d{4}")
OPD_CODE = re.compile(r"\d\.\d{2}\.0\.00\.0\.00\.\d{2}\.0000")
WHOLE_RUPIAH = re.compile(r"[1-9]\d*\.00")
TODAY = date(2026, 6, 30)


def everything(client: httpx.Client, path: str) -> list[dict]:
    items, params = [], {"limit": 7}
    while True:
        body = client.get(path, params=params).json()
        items += body["data"]
        if not body["meta"]["has_more"]:
            return items
        params["after"] = body["meta"]["next_after"]


def books(client: httpx.Client) -> tuple[list[dict], list[dict]]:
    return everything(client, "/api/v1/budget-lines"), everything(client, "/api/v1/realizations")


def test_the_books_are_realistic_for_kota_tangerang(control: httpx.Client, areas) -> None:
    lines, spent = books(control)

    assert len(lines) == 40 and len(spent) > 40
    for line in lines:
        assert line["year"] == 2026 and WHOLE_RUPIAH.fullmatch(line["amount"])
        assert ACCOUNT_CODE.fullmatch(line["account_code"]) and line["account_name"]
        assert OPD_CODE.fullmatch(line["opd_code"])
        assert line["opd_name"].startswith(("Dinas ", "Kecamatan ", "Satuan "))
        assert line["program"].startswith("PROGRAM ") and line["activity"]
        if line["opd_name"].startswith("Kecamatan "):
            kecamatan = areas.get(line["area_code"])
            assert kecamatan.parent_code == "36.71"
            assert line["opd_name"] == f"Kecamatan {kecamatan.name}"
        else:
            assert line["area_code"] is None
    for item in spent:
        assert re.fullmatch(r"\d{5}/SP2D/LS/[\d.]+/2026", item["sp2d_number"])
        assert date(2026, 1, 1) <= date.fromisoformat(item["date"]) <= TODAY
        assert WHOLE_RUPIAH.fullmatch(item["amount"])


def test_no_line_is_spent_beyond_its_budget_and_totals_add_up(control: httpx.Client) -> None:
    lines, spent = books(control)
    budget = {line["id"]: Decimal(line["amount"]) for line in lines}
    realized: dict[str, Decimal] = defaultdict(Decimal)
    for item in spent:
        realized[item["line_id"]] += Decimal(item["amount"])

    totals = control.get("/_sim/totals").json()

    assert all(realized[line_id] <= budget[line_id] for line_id in realized)
    assert Decimal(totals["budget"]) == sum(budget.values())
    assert Decimal(totals["realized"]) == sum(realized.values())
    assert (totals["year"], totals["lines"], totals["realizations"]) == (2026, 40, len(spent))
    per_agency = {code: Decimal(opd["realized"]) for code, opd in totals["opds"].items()}
    assert sum(per_agency.values()) == Decimal(totals["realized"])


def test_the_same_seed_and_date_give_the_same_books(areas: AreaDirectory) -> None:
    def first_page(seed: int, today: date) -> list[dict]:
        client = create_app(areas, seed=seed, size=20, today=today).test_client()
        return client.get("/api/v1/realizations", headers=KEY).get_json()["data"]

    assert first_page(7, TODAY) == first_page(7, TODAY)
    assert first_page(7, TODAY) != first_page(8, TODAY)


def test_more_is_spent_later_in_the_year(areas: AreaDirectory) -> None:
    def realized(today: date) -> Decimal:
        client = create_app(areas, size=60, today=today).test_client()
        return Decimal(client.get("/_sim/totals", headers=KEY).get_json()["realized"])

    assert realized(date(2026, 2, 1)) < realized(date(2026, 6, 30)) < realized(date(2026, 12, 31))


def test_an_unknown_city_is_refused(areas: AreaDirectory) -> None:
    with pytest.raises(ValueError, match=r"unknown city '32\.73'"):
        create_app(areas, city="32.73")


def test_a_tick_issues_sp2ds_dated_today_and_revises_lines(control: httpx.Client) -> None:
    lines_before, spent_before = books(control)

    result = control.post("/_sim/tick", json={"realizations": 3, "revisions": 2}).json()

    lines_after, spent_after = books(control)
    assert len(result["realizations"]) == 3 and len(result["revisions"]) == 2
    assert [item["sp2d_number"] for item in spent_after[-3:]] == result["realizations"]
    assert spent_after[:-3] == spent_before
    assert all(item["date"] == TODAY.isoformat() for item in spent_after[-3:])
    assert {line["id"] for line in lines_after[-2:]} == set(result["revisions"])
    assert all(line["status"] == "revised" for line in lines_after[-2:])
    assert lines_after[-1]["updated_at"] > lines_before[-1]["updated_at"]


def test_a_tick_never_overspends_a_line(serve) -> None:
    with httpx.Client(base_url=serve(size=5).url, headers=KEY) as client:
        for _ in range(5):
            client.post("/_sim/tick", json={"realizations": 30, "revisions": 3})
        lines, spent = books(client)

    realized: dict[str, Decimal] = defaultdict(Decimal)
    for item in spent:
        realized[item["line_id"]] += Decimal(item["amount"])
    assert all(realized[line["id"]] <= Decimal(line["amount"]) for line in lines)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"realizations": -1}, "realizations must be a whole number"),
        ({"revisions": "2"}, "revisions must be a whole number"),
        ({"new": 1}, "unknown field 'new'"),
        ([1], "expected a JSON object"),
    ],
)
def test_a_bad_tick_answers_400(control: httpx.Client, body: object, message: str) -> None:
    response = control.post("/_sim/tick", json=body)

    assert response.status_code == 400 and message in response.json()["error"]


def test_listings_page_with_after_tokens_and_cap_the_limit(serve) -> None:
    with httpx.Client(base_url=serve(size=1100).url, headers=KEY) as client:
        assert len(client.get("/api/v1/budget-lines").json()["data"]) == 100
        capped = client.get("/api/v1/budget-lines", params={"limit": 5000}).json()
        rest = client.get(
            "/api/v1/budget-lines", params={"after": capped["meta"]["next_after"], "limit": 5000}
        ).json()

    assert len(capped["data"]) == MAX_LIMIT and capped["meta"]["has_more"]
    assert len(rest["data"]) == 100 and not rest["meta"]["has_more"]
    keys = [(line["updated_at"], line["id"]) for line in capped["data"] + rest["data"]]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "many"}, "limit must be a whole number"),
        ({"limit": "0"}, "limit must be at least 1"),
        ({"after": "page-2"}, "after is not a cursor"),
    ],
)
def test_bad_parameters_answer_400(control: httpx.Client, params: dict, message: str) -> None:
    response = control.get("/api/v1/realizations", params=params)

    assert response.status_code == 400 and message in response.json()["error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/budget-lines", "/api/v1/realizations", "/_sim/totals", "/_sim/stats"]
)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}])
def test_a_wrong_or_missing_key_answers_401(server, path: str, headers: dict) -> None:
    response = httpx.get(server.url + path, headers=headers)

    assert response.status_code == 401 and response.json() == {"error": "invalid api key"}


def test_failures_count_down_on_both_listings(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 9})

    assert control.get("/api/v1/budget-lines").status_code == 500
    limited = control.get("/api/v1/realizations")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "9"
    assert control.get("/api/v1/realizations").status_code == 200
    assert control.get("/_sim/stats").json() == {"requests": 3, "today": "2026-06-30"}


def test_malformed_next_answers_broken_json(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"malformed_next": 1})

    with pytest.raises(ValueError):
        control.get("/api/v1/budget-lines").json()
    assert control.get("/api/v1/budget-lines").json()["data"]


def test_invalid_next_adds_broken_items_to_one_page(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"invalid_next": 1})

    broken = control.get("/api/v1/realizations", params={"limit": 10}).json()["data"]
    clean = control.get("/api/v1/realizations", params={"limit": 10}).json()["data"]

    assert len(broken) == 12 and len(clean) == 10
    assert broken[10]["amount"] == 1250000.5 and broken[11]["date"] == "15/03/2026"


def test_latency_delays_listings(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"latency_ms": 80})

    started = time.perf_counter()
    control.get("/api/v1/budget-lines", params={"limit": 1})

    assert time.perf_counter() - started >= 0.08


def test_faults_are_reported_and_reset(control: httpx.Client) -> None:
    assert control.post("/_sim/faults", json={"fail_next": 2}).json()["fail_next"] == 2

    assert control.post("/_sim/faults", json={"reset": True}).json() == {
        "latency_ms": 0,
        "fail_next": 0,
        "rate_limit_next": 0,
        "retry_after": 1,
        "malformed_next": 0,
        "garbage_next": 0,
        "invalid_next": 0,
    }
