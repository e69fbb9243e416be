"""The hub's own copy of each complaint's photo, so its page never depends on the source app.

A sync only notes which photo a complaint wants (:func:`follow_changes`, inside the sync's
transaction: nothing is fetched there). The scheduler tick claims the photos that are due with a
conditional update and hands each to the workers (:func:`enqueue_due`); the job fetches it with
timeouts and a size limit, re-encodes it as uploads are (EXIF dropped) and keeps it in the file
store by its digest (:func:`copy`).

A photo is fetched only from the host of its source's ``url`` or from one of the ``photo_hosts``
of the ``[complaints]`` table, and so is every redirect: any other address is refused before a
request is made, so a source cannot make the workers reach the hub's internal network.

A failure that may pass (the source unreachable or slow, a 5xx or 429) is tried again later, the
wait doubling each time up to ``LONGEST_WAIT``, ``MAX_ATTEMPTS`` times at most. A refusal (a file
too large, something that is not a photo, a 4xx, a host not allowed) is not tried again until the
source gives the complaint another photo URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from io import BytesIO
from typing import Any

import httpx
from rq import Queue
from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.orm import Session

from features.complaints.cases import KIND
from features.complaints.models import ComplaintPhoto
from features.complaints.settings import photo_hosts_of
from hub.api import (
    PHOTO,
    ConfigError,
    Database,
    Hub,
    Problem,
    Record,
    RecordChange,
    Source,
    Storage,
    among,
    checked_type,
    http_client,
    insert_rows,
    process_photo,
    utcnow,
)

PENDING, FETCHING, STORED, MISSING = "pending", "fetching", "stored", "missing"
GONE = "gone"
"""What a job answers for a photo no longer wanted (its complaint deleted, its URL dropped)."""
UNREACHABLE = "unreachable"
"""The source app did not answer, or too slowly (may pass)."""
SERVER_ERROR = "server_error"
"""The source app failed to send it: HTTP 5xx, 429 or 408 (may pass)."""
REFUSED = "refused"
"""The source app answered another 4xx, or the URL cannot be fetched."""
TOO_LARGE = "too_large"
NOT_AN_IMAGE = "not_an_image"
HOST_NOT_ALLOWED = "host_not_allowed"
"""The URL, or a redirect, leads to a host that is neither the source's nor listed."""

MAX_BYTES = 10 * 1024 * 1024
"""The most a photo may be (``upload_max_bytes`` when that is less); the download stops past it."""
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DOWNLOAD_SECONDS = 60
"""The longest one download may take, however steadily the source trickles it."""
FETCHING_LEASE = 600
"""How long a claimed photo waits for its job before the next tick claims it again."""
JOB_TIMEOUT = 180
FIRST_RETRY = 60
LONGEST_WAIT = 6 * 3600
MAX_ATTEMPTS = 12
BATCH = 100
"""The most photos one tick hands to the workers; the rest wait for the next ticks."""
URL_LENGTH = 2000
NAME = "foto"
log = logging.getLogger(__name__)


class PhotoFailure(Exception):
    """Why a photo could not be copied: a ``reason`` code, a short technical ``detail``, and
    whether trying again later may help."""

    def __init__(self, reason: str, detail: str, passing: bool) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.passing = reason, detail, passing


def source_url(attributes: Any) -> str | None:
    """The photo address a complaint's attributes give (Qlue's ``photo_url``, Open311's
    ``media_url``) if it is an http(s) address, else None."""
    if not isinstance(attributes, Mapping):
        return None
    value = attributes.get("photo_url") or attributes.get("media_url")
    if not isinstance(value, str):
        return None
    value = value.strip()
    fetchable = value.startswith(("https://", "http://")) and len(value) <= URL_LENGTH
    return value if fetchable else None


def follow_changes(session: Session, changes: list[RecordChange]) -> None:
    """Note the photo each new or changed complaint wants: a new one, or one whose URL changed,
    is pending from now; one the source no longer gives is forgotten."""
    followed = [change for change in changes if change.kind == KIND and not change.deleted]
    ids = [change.record_id for change in followed]
    if not ids:
        return
    wanted = {
        change.record_id: source_url(change.attributes)
        for change in followed
        if change.attributes is not None
    }
    unknown = [record_id for record_id in ids if record_id not in wanted]
    if unknown:
        # Only the attributes source_url reads, not each record's whole attributes.
        photo, media = Record.attributes["photo_url"], Record.attributes["media_url"]
        wanted.update(
            (record_id, source_url({"photo_url": photo_url, "media_url": media_url}))
            for record_id, photo_url, media_url in session.execute(
                select(Record.id, photo, media).where(among(session, Record.id, unknown))
            )
        )
    changed_ids = [change.record_id for change in followed if not change.created]
    known = (
        dict(
            session.execute(
                select(ComplaintPhoto.record_id, ComplaintPhoto.url).where(
                    among(session, ComplaintPhoto.record_id, changed_ids)
                )
            ).all()
        )
        if changed_ids
        else {}
    )
    now = utcnow()
    new, changed, dropped = [], [], []
    for record_id, url in wanted.items():
        if url is None:
            if record_id in known:
                dropped.append(record_id)
        elif record_id not in known:
            new.append({"record_id": record_id, **wanted_now(url, now)})
        elif known[record_id] != url:
            changed.append({"record_id": record_id, **wanted_now(url, now)})
    insert_rows(session, ComplaintPhoto.__table__, new)
    if changed:
        session.execute(update(ComplaintPhoto), changed)
    if dropped:
        dropped_rows = among(session, ComplaintPhoto.record_id, dropped)
        session.execute(delete(ComplaintPhoto).where(dropped_rows))


def wanted_now(url: str, now: datetime) -> dict[str, Any]:
    """The columns of a photo wanted from ``url``, due at once."""
    return {
        "url": url,
        "state": PENDING,
        "digest": None,
        "reason": None,
        "detail": None,
        "attempts": 0,
        "next_attempt_at": now,
        "stored_at": None,
        "updated_at": now,
    }


def enqueue_due(db: Database, queue: Queue, now: datetime | None = None, limit: int = BATCH) -> int:
    """Hand up to ``limit`` due photos to the workers, the longest waiting first; return how
    many. Each is claimed by a conditional update (and counted as an attempt), so two
    schedulers never fetch the same photo at once; a claim whose job is lost lapses after
    ``FETCHING_LEASE`` seconds."""
    now = now or utcnow()
    oldest = (
        select(ComplaintPhoto.record_id)
        .where(_due(now))
        .order_by(ComplaintPhoto.next_attempt_at)
        .limit(limit)
    )
    with db.session() as session:
        claimed = session.execute(
            update(ComplaintPhoto)
            .where(ComplaintPhoto.record_id.in_(oldest), _due(now))
            .values(
                state=FETCHING,
                attempts=ComplaintPhoto.attempts + 1,
                next_attempt_at=now + timedelta(seconds=FETCHING_LEASE),
                updated_at=now,
            )
            .returning(ComplaintPhoto.record_id, ComplaintPhoto.url, ComplaintPhoto.attempts)
            .execution_options(synchronize_session=False)
        ).all()
    for record_id, url, attempt in sorted(claimed):
        queue.enqueue(
            "features.complaints.jobs.copy_photo",
            record_id,
            url,
            attempt,
            job_timeout=JOB_TIMEOUT,
            description=f"complaint photo {record_id}",
        )
    return len(claimed)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        ComplaintPhoto.state.in_((PENDING, FETCHING, MISSING)),
        ComplaintPhoto.next_attempt_at <= now,
    )


@dataclass(frozen=True)
class Claim:
    """A photo handed to a worker: its complaint, the URL and the attempt it was claimed for."""

    record_id: int
    url: str
    attempt: int


def copy(hub: Hub, storage: Storage, claim: Claim, limit: int) -> str:
    """Fetch, check, re-encode and store the photo ``claim`` names, unless the photo moved on
    since (another URL, a later claim); return the photo's state. No transaction is open while
    it is fetched."""
    db, record_id, attempt = hub.db, claim.record_id, claim.attempt
    with db.read_session() as session:
        photo = session.get(ComplaintPhoto, record_id)
        if photo is None:
            return GONE
        if (photo.state, photo.url, photo.attempts) != (FETCHING, claim.url, attempt):
            return photo.state
        hosts = allowed_hosts(hub, session, record_id)
    try:
        digest = storage.put(BytesIO(reencoded(download(claim.url, limit, hosts)))).digest
    except PhotoFailure as failure:
        values = failed(failure, attempt, utcnow())
        log.warning("photo of complaint %s is missing: %s", record_id, failure)
    else:
        now = utcnow()
        values = {"state": STORED, "digest": digest, "reason": None, "detail": None}
        values |= {"next_attempt_at": None, "stored_at": now, "updated_at": now}
    return values["state"] if _settle(db, claim, values) else _state(db, record_id)


def allowed_hosts(hub: Hub, session: Session, record_id: int) -> frozenset[str]:
    """The hosts the complaint's photo may come from: its source's own and the listed ones."""
    source = select(Record.source_id).where(Record.id == record_id).scalar_subquery()
    name = session.scalar(select(Source.name).where(Source.id == source))
    own = source_host(hub, name) if name else None
    return frozenset(photo_hosts_of(hub)) | ({own} if own else set())


def source_host(hub: Hub, name: str) -> str | None:
    """The host of the ``url`` a configured source reads; None for a source with none (the
    hub's own, one no longer configured)."""
    try:
        declared = hub.settings.source(name)
        url = hub.source_type(declared.type).validate(name, declared.settings).get("url")
        return host_of(url) if isinstance(url, str) else None
    except (ConfigError, httpx.InvalidURL):
        return None


def host_of(url: str | httpx.URL) -> str:
    """The host of ``url`` as hosts are compared: IDNA-encoded, lowercase, no final dot."""
    return httpx.URL(url).raw_host.decode("ascii").lower().removesuffix(".")


def failed(failure: PhotoFailure, attempt: int, now: datetime) -> dict[str, Any]:
    """The columns of a photo that could not be copied at its ``attempt``-th try."""
    again = None
    if failure.passing and attempt < MAX_ATTEMPTS:
        again = now + timedelta(seconds=min(FIRST_RETRY * 2 ** (attempt - 1), LONGEST_WAIT))
    return {
        "state": MISSING,
        "digest": None,
        "reason": failure.reason,
        "detail": failure.detail[:500],
        "next_attempt_at": again,
        "updated_at": now,
    }


def download(url: str, limit: int, hosts: Collection[str]) -> bytes:
    """The body at ``url``, read in chunks: PhotoFailure when it cannot be had, when the source
    answers an error, as soon as it is more than ``limit`` bytes, or before any request to a
    host (the URL's or a redirect's) not in ``hosts``."""
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    try:
        with (
            _client(hosts) as client,
            client.stream("GET", url, follow_redirects=True) as answer,
        ):
            _check_status(answer.status_code)
            declared = answer.headers.get("Content-Length", "")
            if declared.isdecimal() and int(declared) > limit:
                raise _too_large(limit)
            body = bytearray()
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise _too_large(limit)
                if time.monotonic() > deadline:
                    raise PhotoFailure(UNREACHABLE, "the download took too long", passing=True)
    except httpx.TimeoutException:
        raise PhotoFailure(UNREACHABLE, "timed out", passing=True) from None
    except httpx.UnsupportedProtocol as error:
        raise PhotoFailure(REFUSED, str(error), passing=False) from None
    except httpx.TransportError as error:
        raise PhotoFailure(UNREACHABLE, str(error) or type(error).__name__, passing=True) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise PhotoFailure(REFUSED, str(error) or type(error).__name__, passing=False) from None
    if not body:
        raise PhotoFailure(NOT_AN_IMAGE, "an empty answer", passing=False)
    return bytes(body)


def _client(hosts: Collection[str]) -> httpx.Client:
    """A client that checks the host of every request, a redirect's too, before sending it."""
    client = http_client("", timeout=TIMEOUT, headers={"Accept": "image/*"})
    client.event_hooks = {"request": [partial(_check_host, hosts)]}
    return client


def _check_host(hosts: Collection[str], request: httpx.Request) -> None:
    host = host_of(request.url)
    if host not in hosts:
        raise PhotoFailure(HOST_NOT_ALLOWED, f"{host} is not an allowed host", passing=False)


def reencoded(data: bytes) -> bytes:
    """``data`` as the hub keeps photos: re-encoded as JPEG without EXIF, as uploads are;
    PhotoFailure when it is not a photo or claims absurd dimensions."""
    stream = BytesIO(data)
    try:
        found = checked_type(NAME, stream)
        if found.kind != PHOTO:
            raise PhotoFailure(NOT_AN_IMAGE, f"a {found.label} file", passing=False)
        return process_photo(stream, NAME).image
    except Problem as problem:
        reason = TOO_LARGE if problem.code == "image_bomb" else NOT_AN_IMAGE
        detail = "absurd dimensions" if reason == TOO_LARGE else _what(data)
        raise PhotoFailure(reason, detail, passing=False) from None


def _check_status(status: int) -> None:
    if status in (408, 429) or status >= 500:
        raise PhotoFailure(SERVER_ERROR, f"HTTP {status}", passing=True)
    if status >= 400:
        raise PhotoFailure(REFUSED, f"HTTP {status}", passing=False)


def _too_large(limit: int) -> PhotoFailure:
    return PhotoFailure(TOO_LARGE, f"more than {limit / 1024 / 1024:.1f} MB", passing=False)


def _what(data: bytes) -> str:
    """What a body that is not a photo looks like, for the detail."""
    head = data[:200].lstrip().lower()
    if head.startswith(b"<!doctype html") or b"<html" in head:
        return "an HTML page"
    return "content that is not a JPEG, PNG or WebP photo"


def _settle(db: Database, claim: Claim, values: dict[str, Any]) -> bool:
    """Record the outcome of ``claim`` unless the photo moved on meanwhile (another URL, or a
    later claim after this one's lease ran out)."""
    with db.session() as session:
        result = session.execute(
            update(ComplaintPhoto)
            .where(
                ComplaintPhoto.record_id == claim.record_id,
                ComplaintPhoto.url == claim.url,
                ComplaintPhoto.attempts == claim.attempt,
                ComplaintPhoto.state == FETCHING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _state(db: Database, record_id: int) -> str:
    with db.read_session() as session:
        return (
            session.scalar(
                select(ComplaintPhoto.state).where(ComplaintPhoto.record_id == record_id)
            )
            or GONE
        )
