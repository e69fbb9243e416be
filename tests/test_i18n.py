"""Translations: every message has Indonesian, the compiled catalog is current, pages switch."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import Flask

from hub.auth import create_user
from hub.state import current_hub

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
CATALOGS = sorted(
    [
        ROOT / "hub" / "translations",
        *ROOT.glob("features/*/translations"),
        *ROOT.glob("plugins/*/*/translations"),
    ],
    key=lambda folder: str(folder.relative_to(ROOT)),
)
"""Every message catalog: the hub's, each feature's, and one beside each plugin package that has
its own."""


def catalog_id(folder: Path) -> str:
    return str(folder.parent.relative_to(ROOT))


def extracted_ids(folder: Path) -> set[str | tuple[str, ...]]:
    """Every msgid of the package beside ``folder``, as ``pybabel extract`` finds them with the
    folder's babel.cfg (whose paths are relative to that package)."""
    config = folder / "babel.cfg"
    with config.open() as handle:
        methods, options = parse_mapping_cfg(handle, filename=str(config))
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder.parent), methods, options, keywords=KEYWORDS
        )
    }


def indonesian(folder: Path) -> Catalog:
    with (folder / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="id")


def translations(catalog: Catalog) -> dict:
    """msgid to msgstr; plural forms as tuples, whichever way the catalog was read."""
    return {_tuple(message.id): _tuple(message.string) for message in catalog if message.id}


def _tuple(value: str | list | tuple) -> str | tuple:
    return value if isinstance(value, str) else tuple(value)


def translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    return all((message.string,) if isinstance(message.string, str) else message.string)


@pytest.mark.parametrize("folder", CATALOGS, ids=catalog_id)
def test_every_message_has_an_indonesian_translation(folder: Path) -> None:
    catalog = indonesian(folder)
    ids = extracted_ids(folder)

    untranslated = sorted(
        str(message_id) for message_id in ids if not translated(catalog.get(message_id))
    )

    assert ids
    assert untranslated == [], f"run pybabel extract/update (see {folder / 'babel.cfg'})"
    assert [(message.id, errors) for message, errors in catalog.check()] == []


@pytest.mark.parametrize("folder", CATALOGS, ids=catalog_id)
def test_the_compiled_catalog_matches_the_po_file(folder: Path) -> None:
    compiled = BytesIO()
    write_mo(compiled, indonesian(folder))
    compiled.seek(0)
    with (folder / "id" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        committed = read_mo(handle)

    expected = read_mo(compiled)
    assert translations(committed) == translations(expected), "run pybabel compile"
    assert committed.plural_forms == expected.plural_forms


@pytest.fixture
def app(make_app, sqlite_url) -> Flask:
    app = make_app(sqlite_url)
    with current_hub(app).db.session() as session:
        create_user(session, username="lurah", password="kata sandi", role="admin")
    return app


def test_pages_are_in_indonesian_by_default(app: Flask) -> None:
    page = app.test_client().get("/login").get_data(as_text=True)

    assert '<html lang="id">' in page
    assert "<h1>Masuk</h1>" in page and "Kata sandi" in page
    assert '<a class="language" href="/login?lang=en" hreflang="en" lang="en">English</a>' in page


def test_english_is_chosen_with_lang_and_remembered(app: Flask) -> None:
    client = app.test_client()

    english = client.get("/login?lang=en").get_data(as_text=True)
    still_english = client.get("/login").get_data(as_text=True)
    ignored = client.get("/login?lang=fr").get_data(as_text=True)
    back = client.get("/login?lang=id").get_data(as_text=True)

    assert '<html lang="en">' in english and "<h1>Sign in</h1>" in english
    assert "Password" in english and "Bahasa Indonesia</a>" in english
    assert "<h1>Sign in</h1>" in still_english and "<h1>Sign in</h1>" in ignored
    assert "<h1>Masuk</h1>" in back


@pytest.mark.parametrize(
    ("zone", "named"),
    [
        ("Asia/Jakarta", "Waktu Indonesia Barat (WIB)"),
        ("Asia/Makassar", "Waktu Indonesia Tengah (WITA)"),
        ("Asia/Jayapura", "Waktu Indonesia Timur (WIT)"),
    ],
)
def test_every_page_names_the_configured_time_zone(make_app, sqlite_url, zone, named) -> None:
    client = make_app(sqlite_url, timezone=zone).test_client()

    assert f"Waktu ditampilkan dalam {named}." in client.get("/login").text
    assert "(WI" in client.get("/login?lang=en").text.split("Times are shown in ")[1]
