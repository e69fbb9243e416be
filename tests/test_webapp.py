"""The portal as an app on a phone: the manifest, the service worker's address and scope, the
session facts the worker asks for, and the pages it keeps for when there is no signal."""

from __future__ import annotations

from PIL import Image

from hub.portal import webapp


def test_the_manifest_makes_the_portal_installable_in_the_users_language(make_app, sqlite_url):
    client = make_app(sqlite_url).test_client()

    answer = client.get("/manifest.webmanifest", headers={"Accept-Language": "id"})

    assert answer.mimetype == "application/manifest+json"
    manifest = answer.json
    assert (manifest["display"], manifest["start_url"], manifest["scope"]) == (
        "standalone",
        "/",
        "/",
    )
    assert manifest["lang"] == "id" and "tanpa sinyal" in manifest["description"]
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        with Image.open(webapp.STATIC / icon["src"].removeprefix("/static/")) as picture:
            assert f"{picture.width}x{picture.height}" == icon["sizes"]
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_every_page_links_the_manifest_and_registers_the_worker_from_the_root(make_app, sqlite_url):
    client = make_app(sqlite_url).test_client()
    page = client.get("/login").text

    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert f'data-worker="/sw.js?v={webapp.worker_version()}"' in page
    worker = client.get(f"/sw.js?v={webapp.worker_version()}")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert 'addEventListener("fetch"' in worker.text


def test_the_session_facts_name_the_user_and_carry_a_fresh_token(
    make_app, sqlite_url, make_user, sign_in
):
    app = make_app(sqlite_url)
    client = app.test_client()
    assert client.get("/-/session.json").json == {"user": None, "csrf_token": None}

    make_user(app, "lurah", "ward_staff", "31.75.10.1005")
    sign_in(client, "lurah")
    facts = client.get("/-/session.json")

    assert facts.headers["Cache-Control"] == "no-store"
    assert facts.json["user"] == "lurah" and len(facts.json["csrf_token"]) > 20


def test_the_pages_kept_for_no_signal_speak_to_anyone_and_name_no_user(
    make_app, sqlite_url, make_user, sign_in
):
    app = make_app(sqlite_url)
    client = app.test_client()
    make_user(app, "lurah", "ward_staff", "31.75.10.1005")
    sign_in(client, "lurah")

    kept = client.get("/-/kept").text
    offline = client.get("/-/offline").text

    assert "Disimpan di ponsel ini" in kept and "Tidak ada sinyal" in offline
    assert "data-user" not in kept and "data-user" not in offline
    assert 'data-user=""' in app.test_client().get("/login").text
