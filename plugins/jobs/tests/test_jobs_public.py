"""The public vacancies: pages anyone reads without signing in, in Indonesian, each vacancy on its
own page with the JobPosting search engines require (read back with extruct, an extractor not
written here), and a JSON-LD feed that a ``jobposting_feed`` source reads over loopback as it
reads a real board. Only open vacancies, and nothing of any job seeker."""

from __future__ import annotations

import html
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import extruct
import pytest
from flask import Flask
from jobs_examples import GOOGLE_REMOTE
from jobs_helpers import call, posting, seeker, stored

from hub.api import RunningServer, SourceSettings
from hub.testing import run_sync

CIPONDOH = "36.71.05.1001"
SITI = ("Siti Rahmawati", "3671014506980003", "0812-8765-4321")
PAY = {
    "@type": "MonetaryAmount",
    "currency": "IDR",
    "value": {
        "@type": "QuantitativeValue",
        "minValue": 4500000,
        "maxValue": 5000000,
        "unitText": "MONTH",
    },
}
TODAY = date.today()
WATCH_POLICY = (
    "window.refused = []; document.addEventListener('securitypolicyviolation',"
    " (event) => window.refused.push(event.violatedDirective));"
)
REQUIRED = ("title", "description", "datePosted", "hiringOrganization", "identifier")


def vacancies() -> list[dict[str, Any]]:
    """An open vacancy with its pay, a closed one, one that names no company, a remote one."""
    posted = (TODAY - timedelta(days=10)).isoformat()
    until = (TODAY + timedelta(days=20)).isoformat()
    open_job = posting(
        "LOKER-1", "Operator Produksi", posted, valid_through=until, kelurahan=CIPONDOH
    )
    open_job |= {"baseSalary": PAY, "description": "Operator mesin injeksi plastik, shift pagi."}
    closed = posting("LOKER-2", "Kasir", posted, valid_through=posted, kelurahan=CIPONDOH)
    nameless = posting("LOKER-3", "Satpam", posted, valid_through=until, kelurahan=CIPONDOH)
    del nameless["hiringOrganization"]
    remote = {**GOOGLE_REMOTE, "datePosted": posted, "validThrough": until}
    return [open_job, closed, nameless, remote]


@pytest.fixture
def app(database_url: str, make_app, serve_simulator) -> Flask:
    simulator = serve_simulator("jobs", size=0, today=TODAY)
    registered = (TODAY - timedelta(days=3)).isoformat()
    call(
        simulator,
        "POST",
        "/_sim/give",
        {
            "seekers": [seeker("3671-2611-0001", CIPONDOH, "SMA/SMK", registered)],
            "vacancies": vacancies(),
        },
    )
    app = make_app(database_url, sources=(simulator.source("pencaker"),))
    assert run_sync(app, "pencaker").errored == 0
    return app


def page(client: Any, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def job_postings(text: str) -> list[dict[str, Any]]:
    data = extruct.extract(text, syntaxes=["json-ld"])["json-ld"]
    return [node for node in data if node.get("@type") == "JobPosting"]


def test_the_list_is_public_in_indonesian_with_only_open_vacancies(app: Flask) -> None:
    response = app.test_client().get("/jobs/lowongan")
    text = html.unescape(response.get_data(as_text=True))

    assert response.status_code == 200
    assert '<html lang="id">' in text and "<h1>Lowongan kerja</h1>" in text
    assert "2 lowongan terbuka" in text
    assert "Operator Produksi" in text and "Software Engineer" in text
    assert "Kasir" not in text and "Satpam" not in text
    assert "Rp4.500.000 – Rp5.000.000 per bulan" in text
    assert not [value for value in SITI if value in text] and "3671-2611-0001" not in text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    (summary,) = extruct.extract(text, syntaxes=["json-ld"])["json-ld"]
    links = re.findall(r'href="(/jobs/lowongan/\d+)"', text)
    assert [item["url"] for item in summary["itemListElement"]] == [
        "http://localhost" + link for link in links
    ]


def test_each_vacancy_page_carries_what_search_engines_require(app: Flask) -> None:
    client = app.test_client()
    links = re.findall(r'href="(/jobs/lowongan/\d+)"', page(client, "/jobs/lowongan"))

    postings = {}
    for link in links:
        text = page(client, link)
        (found,) = job_postings(text)
        assert all(found.get(name) for name in REQUIRED), found
        assert found["hiringOrganization"]["name"] and found["identifier"]["value"]
        assert found["url"] == "http://localhost" + link
        assert found["validThrough"] and found["employmentType"]
        assert not [value for value in SITI if value in text]
        postings[found["identifier"]["value"]] = found

    onsite, remote = postings["LOKER-1"], postings["1234568"]
    until = (TODAY + timedelta(days=20)).isoformat()
    assert onsite["validThrough"] == f"{until}T23:59:59+07:00"
    assert onsite["datePosted"] == f"{(TODAY - timedelta(days=10)).isoformat()}T00:00:00+07:00"
    assert onsite["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Sukarasa",
            "addressRegion": "Kota Tangerang",
            "addressCountry": "ID",
        },
        "containedInPlace": {
            "@type": "AdministrativeArea",
            "name": "Cipondoh",
            "identifier": CIPONDOH,
        },
    }
    assert onsite["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "IDR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 4500000,
            "maxValue": 5000000,
            "unitText": "MONTH",
        },
    }
    assert "jobLocation" not in remote
    assert remote["jobLocationType"] == "TELECOMMUTE"
    assert remote["applicantLocationRequirements"] == [
        {"@type": "AdministrativeArea", "name": "USA"}
    ]
    assert remote["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "value": 40,
        "unitText": "HOUR",
    }


def test_closed_nameless_and_seeker_records_have_no_public_page(app: Flask) -> None:
    client = app.test_client()
    ids = [r.id for r in stored(app, "vacancy").values()] + [
        r.id for r in stored(app, "job_seeker").values()
    ]
    public = re.findall(r'href="/jobs/lowongan/(\d+)"', page(client, "/jobs/lowongan"))

    for record_id in set(ids) - {int(i) for i in public}:
        page(client, f"/jobs/lowongan/{record_id}", 404)
    assert len(public) == 2


def test_the_feed_is_an_item_list_of_the_published_postings(app: Flask) -> None:
    response = app.test_client().get("/jobs/lowongan.jsonld")
    document = response.get_json(force=True)

    assert response.mimetype == "application/ld+json"
    assert (document["@type"], document["numberOfItems"]) == ("ItemList", 2)
    assert {e["item"]["identifier"]["value"] for e in document["itemListElement"]} == {
        "LOKER-1",
        "1234568",
    }
    assert not [value for value in SITI if value in response.get_data(as_text=True)]


def reader(make_app, sqlite_schema, tmp_path: Path, url: str) -> Flask:
    """Another hub whose ``jobposting_feed`` source reads ``url``."""
    source = SourceSettings("hub-kota", "jobposting_feed", 300, True, {"url": url})
    return make_app(sqlite_schema(tmp_path / "reader.db"), sources=(source,))


def test_a_feed_source_reads_the_published_feed_back(
    app: Flask, make_app, sqlite_schema, tmp_path: Path
) -> None:
    with RunningServer(app) as hub:
        other = reader(make_app, sqlite_schema, tmp_path, hub.url + "/jobs/lowongan.jsonld")
        run = run_sync(other, "hub-kota")

    read, published = stored(other, "vacancy"), stored(app, "vacancy")
    assert (run.status, run.created, run.errored) == ("succeeded", 2, 0)
    assert read.keys() == {"LOKER-1", "1234568"}
    for key, vacancy in read.items():
        original = published[key]
        assert (vacancy.title, vacancy.area_code) == (original.title, original.area_code)
        assert vacancy.created_at == original.created_at
        for name in ("company", "deadline", "salary", "employment_type", "location_type"):
            assert vacancy.attributes[name] == original.attributes[name], name


def test_a_feed_source_reads_a_vacancy_page_as_a_board_page(
    app: Flask, make_app, sqlite_schema, tmp_path: Path
) -> None:
    onsite = stored(app, "vacancy")["LOKER-1"]
    with RunningServer(app) as hub:
        other = reader(make_app, sqlite_schema, tmp_path, f"{hub.url}/jobs/lowongan/{onsite.id}")
        run = run_sync(other, "hub-kota")

    (vacancy,) = stored(other, "vacancy").values()
    assert (run.status, run.created) == ("succeeded", 1)
    assert vacancy.external_id == "LOKER-1"
    assert vacancy.attributes["salary"] == onsite.attributes["salary"]


@pytest.mark.slow
def test_the_public_pages_fit_a_360_px_phone_within_the_policy(app: Flask, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium executable on PATH: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with RunningServer(app) as hub, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.add_init_script(WATCH_POLICY)
        phone.goto(hub.url + "/jobs/lowongan")
        widths = [phone.evaluate("document.documentElement.scrollWidth")]
        phone.screenshot(path=str(tmp_path / "lowongan.png"), full_page=True)
        with phone.expect_navigation(wait_until="load"):
            phone.click("text=Operator Produksi")
        widths.append(phone.evaluate("document.documentElement.scrollWidth"))
        phone.screenshot(path=str(tmp_path / "vacancy.png"), full_page=True)
        refused = phone.evaluate("window.refused")
        marked_up = phone.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
        )
        browser.close()

    assert widths == [360, 360]
    assert refused == []
    assert marked_up["title"] == "Operator Produksi"
