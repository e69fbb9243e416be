"""The simulator: realistic seeded data, paging, the JSON-LD feed, changes, auth and faults."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import httpx
import pytest
from jobs_helpers import LOOPBACK, SIZE, TODAY, posting, seeker
from simpul_jobs.education import LEVELS
from simpul_jobs.factory import SEEKERS_PER_VACANCY
from simpul_jobs.simulator import DEMO_API_KEY, FEED_PATH, MAX_LIMIT, create_app

from hub.api import AreaDirectory, is_within

KEY = {"X-API-Key": DEMO_API_KEY}
AK1_NUMBER = re.compile(r"3671-\d{4}-\d{4}")


def listing(client: httpx.Client, stream: str, **params: object) -> dict:
    response = client.get(f"/api/v1/{stream}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def everything(client: httpx.Client, stream: str) -> list[dict]:
    return listing(client, stream, limit=MAX_LIMIT)["data"]


def feed_items(client: httpx.Client) -> list[dict]:
    document = client.get(FEED_PATH).json()
    return [element["item"] for element in document["itemListElement"]]


def test_seekers_are_realistic_residents_of_the_city(
    control: httpx.Client, areas: AreaDirectory
) -> None:
    seekers = everything(control, "seekers")

    assert len(seekers) == SIZE
    for item in seekers:
        village = areas.get(item["kelurahan_code"])
        assert village.level == "village" and is_within(village.code, "36.71")
        assert AK1_NUMBER.fullmatch(item["id"])
        assert item["id"][5:9] == date.fromisoformat(item["registered_on"]).strftime("%y%m")
        assert item["nik"].startswith(village.parent_code.replace(".", ""))
        assert re.fullmatch(r"08\d\d-\d{4}-\d{4}", item["phone"])
        assert item["education"] in LEVELS and item["skills"]
        valid_until = date.fromisoformat(item["valid_until"])
        assert (valid_until < TODAY) == (item["status"] == "expired") or item["status"] == "placed"
    assert len({item["id"] for item in seekers}) == SIZE
    assert Counter(item["status"] for item in seekers).keys() == {"looking", "placed", "expired"}


def test_vacancies_are_job_postings_and_placements_link_both(control: httpx.Client) -> None:
    vacancies = {v["identifier"]["value"]: v for v in everything(control, "vacancies")}
    seekers = {s["id"]: s for s in everything(control, "seekers")}
    placements = everything(control, "placements")

    assert len(vacancies) == SIZE // SEEKERS_PER_VACANCY
    for vacancy in vacancies.values():
        assert (vacancy["@context"], vacancy["@type"]) == ("https://schema.org", "JobPosting")
        assert vacancy["datePosted"] <= TODAY.isoformat()
        assert vacancy["datePosted"] < vacancy["validThrough"][:10]
        assert vacancy["totalJobOpenings"] >= 1 and vacancy["hiringOrganization"]["name"]
    assert placements
    for placement in placements:
        assert seekers[placement["seeker_id"]]["status"] == "placed"
        assert placement["vacancy_id"] in vacancies
        assert seekers[placement["seeker_id"]]["registered_on"] <= placement["placed_on"]
    assert len(placements) == Counter(s["status"] for s in seekers.values())["placed"]


def test_data_depends_only_on_the_seed_and_the_day(areas: AreaDirectory) -> None:
    def seekers(seed: int, today: date = TODAY) -> list[dict]:
        client = create_app(areas, seed=seed, size=20, today=today).test_client()
        return client.get("/api/v1/seekers", headers=KEY).get_json()["data"]

    assert seekers(7) == seekers(7)
    assert seekers(7) != seekers(8)
    assert seekers(7) != seekers(7, date(2026, 12, 1))


def test_an_unknown_city_is_refused(areas: AreaDirectory) -> None:
    with pytest.raises(ValueError, match=r"unknown city '32\.73'"):
        create_app(areas, city="32.73")


def test_another_city_is_simulated_in_its_own_kelurahan(serve, areas: AreaDirectory) -> None:
    server = serve(city="71.71", size=12)
    with httpx.Client(base_url=server.url, headers=KEY, verify=False) as client:
        seekers = everything(client, "seekers")
        vacancies = everything(client, "vacancies")

    assert all(is_within(s["kelurahan_code"], "71.71") for s in seekers)
    assert all(v["validThrough"].endswith("+08:00") for v in vacancies)


@pytest.mark.parametrize("stream", ["seekers", "vacancies", "placements"])
def test_listings_are_paged_with_after_tokens(control: httpx.Client, stream: str) -> None:
    seen: list[dict] = []
    body = listing(control, stream, limit=7)
    while True:
        seen.extend(body["data"])
        if not body["meta"]["has_more"]:
            break
        body = listing(control, stream, limit=7, after=body["meta"]["next_after"])

    assert seen == everything(control, stream)
    assert listing(control, stream, after=body["meta"]["next_after"]) == {
        "data": [],
        "meta": {"next_after": None, "has_more": False},
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "many"}, "limit must be a whole number"),
        ({"limit": "0"}, "limit must be at least 1"),
        ({"after": "page-2"}, "after is not a cursor"),
        ({"after": "2026-11-01T00:00:00Z~3671-2611-0001"}, "after is not a cursor"),
    ],
)
def test_bad_parameters_answer_400(control: httpx.Client, params: dict, message: str) -> None:
    response = control.get("/api/v1/seekers", params=params)

    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("path", ["/api/v1/seekers", "/_sim/stats"])
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}])
def test_wrong_or_missing_key_answers_401(server, path: str, headers: dict) -> None:
    response = LOOPBACK.get(server.url + path, headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid api key"}


def test_the_feed_is_a_public_item_list_of_the_open_vacancies(server, control) -> None:
    response = LOOPBACK.get(server.url + FEED_PATH)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ld+json"
    document = response.json()
    assert (document["@context"], document["@type"]) == ("https://schema.org", "ItemList")
    items = [element["item"] for element in document["itemListElement"]]
    assert document["numberOfItems"] == len(items)
    assert [e["position"] for e in document["itemListElement"]] == list(range(1, len(items) + 1))
    open_ones = [
        v for v in everything(control, "vacancies") if v["validThrough"][:10] >= TODAY.isoformat()
    ]
    assert [item["identifier"] for item in items] == [v["identifier"] for v in open_ones]
    assert all(item["@type"] == "JobPosting" and "@context" not in item for item in items)


def test_tick_registers_posts_places_closes_and_withdraws(control: httpx.Client) -> None:
    before = {s["id"]: s for s in everything(control, "seekers")}
    body = {"registrations": 2, "vacancies": 2, "placements": 2, "closures": 1, "withdrawals": 1}

    result = control.post("/_sim/tick", json=body).json()

    seekers = {s["id"]: s for s in everything(control, "seekers")}
    vacancies = {v["identifier"]["value"]: v for v in everything(control, "vacancies")}
    placements = {p["id"]: p for p in everything(control, "placements")}
    for number in result["registered"]:
        assert seekers[number]["registered_on"] == TODAY.isoformat()
    for placement_id in result["placed"]:
        placed = seekers[placements[placement_id]["seeker_id"]]
        assert placed["status"] == "placed" and before[placed["id"]]["status"] == "looking"
        assert placements[placement_id]["placed_on"] == TODAY.isoformat()
    for vacancy_id in set(result["posted"]) - set(result["withdrawn"]):
        assert vacancies[vacancy_id]["datePosted"] == TODAY.isoformat()
    (closed,) = result["closed"]
    if closed not in result["withdrawn"]:
        assert vacancies[closed]["validThrough"] == "2026-11-19T23:59:59+07:00"
    feed = {item["identifier"]["value"] for item in feed_items(control)}
    assert closed not in feed and not feed & set(result["withdrawn"])
    assert result["withdrawn"][0] not in vacancies
    assert result["totals"] == {
        "seekers": SIZE + 2,
        "vacancies": SIZE // SEEKERS_PER_VACANCY + 2 - 1,
        "placements": len(placements),
    }


def test_changed_objects_move_to_the_end_of_their_listing(control: httpx.Client) -> None:
    result = control.post("/_sim/tick", json={"registrations": 1, "placements": 2}).json()

    tail = everything(control, "seekers")[-3:]

    placed = [p["seeker_id"] for p in everything(control, "placements")[-2:]]
    assert {s["id"] for s in tail} == {*result["registered"], *placed}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"registrations": -1}, "registrations must be a whole number"),
        ({"closures": "2"}, "closures must be a whole number"),
        ({"spam": 1}, "unknown field 'spam'"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_tick_answers_400(control: httpx.Client, body: object, message: str) -> None:
    response = control.post("/_sim/tick", json=body)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_given_objects_are_served_exactly_and_removed_on_request(serve) -> None:
    server = serve(size=0)
    person = seeker("3671-2611-0001", "36.71.01.1001", "SMA/SMK", "2026-11-16")
    job = posting("LOKER-1", "Operator Produksi", "2026-11-01")
    broken = {"title": "no identifier at all"}
    with httpx.Client(base_url=server.url, headers=KEY, verify=False) as client:
        given = client.post("/_sim/give", json={"seekers": [person], "vacancies": [job, broken]})
        assert given.json()["stored"] == {"seekers": 1, "vacancies": 2}

        assert everything(client, "seekers") == [person]
        assert everything(client, "vacancies") == [job, broken]
        assert [item["title"] for item in feed_items(client)] == [
            "Operator Produksi",
            broken["title"],
        ]
        assert client.delete("/_sim/vacancies/LOKER-1").json()["removed"] == "LOKER-1"
        assert client.delete("/_sim/vacancies/LOKER-1").status_code == 404
        assert everything(client, "vacancies") == [broken]
        assert client.post("/_sim/give", json={"jobs": []}).status_code == 400
        assert client.post("/_sim/give", json={"seekers": {}}).status_code == 400


def test_faults_count_down(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after": 9})

    assert control.get("/api/v1/seekers").status_code == 500
    limited = control.get(FEED_PATH)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "9"
    assert control.get("/api/v1/vacancies").status_code == 200
    assert control.post("/_sim/faults", json={}).json()["fail_next"] == 0


def test_malformed_next_answers_broken_json(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"malformed_next": 1})

    response = control.get("/api/v1/placements")

    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_invalid_next_adds_unusable_objects_to_the_next_page(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"invalid_next": 3})

    seekers = listing(control, "seekers", limit=5)["data"]
    vacancies = listing(control, "vacancies", limit=5)["data"]
    placements = listing(control, "placements", limit=5)["data"]

    assert [s["kelurahan_code"] for s in seekers[5:]] == ["36.71.99.9999"]
    assert "title" not in vacancies[5] and vacancies[6]["datePosted"] == "31/11/2026"
    assert len(placements) == 6 and "seeker_id" not in placements[5]
    assert len(listing(control, "seekers", limit=5)["data"]) == 5


def test_not_jsonld_next_answers_plain_json_from_the_feed(control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"not_jsonld_next": 1})

    plain = control.get(FEED_PATH)

    assert plain.headers["Content-Type"] == "application/json"
    assert "@context" not in plain.text and plain.json()["jobs"]
    assert control.get(FEED_PATH).json()["@type"] == "ItemList"


def test_stats_count_listing_and_feed_requests(control: httpx.Client) -> None:
    placements = len(everything(control, "placements"))
    control.get(FEED_PATH)

    assert control.get("/_sim/stats").json() == {
        "seekers": SIZE,
        "vacancies": SIZE // SEEKERS_PER_VACANCY,
        "placements": placements,
        "requests": 2,
    }
