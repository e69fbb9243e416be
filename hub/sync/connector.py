"""The connector protocol: how the hub reads pages from an external app.

A connector fetches one page at a time from a cursor it alone understands, and the sync engine
stores each page together with the cursor that follows it. Records are left raw by the connector
and normalized one by one, so one bad record never spoils its page.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any, Protocol

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class SourceError(Exception):
    """The source answered with something the hub cannot use; the run fails."""


class TransientError(SourceError):
    """A failure worth retrying (timeout, 5xx, 429); ``retry_after`` is in seconds when known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MalformedJSON(SourceError):
    """A success whose body is not JSON: cut off on the way, or a proxy's page in its place.

    The sync engine reads the page again, as after a transient failure; a run that gets it at
    every attempt fails as a source fault.
    """


class AuthError(SourceError):
    """The source refused the hub's credentials: the source needs re-authentication."""


class InvalidRecord(ValueError):
    """One payload cannot be normalized; it is recorded as an error and the run goes on.

    Give ``external_id`` when the payload has one the hub cannot guess (it looks for ``id``).
    """

    def __init__(self, message: str, external_id: str | None = None) -> None:
        super().__init__(message)
        self.external_id = external_id


@dataclass
class RecordIn:
    """A normalized record, as a normalizer returns it.

    ``references`` names other records this one needs, as ``(kind, external id)`` pairs (an
    attendance needs its person); a record whose reference is neither stored nor in the same
    page is a record error, "unknown <kind> '<id>'".
    """

    external_id: str
    kind: str
    title: str = ""
    status: str | None = None
    category: str | None = None
    area_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    amount: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    references: tuple[tuple[str, str], ...] = ()
    deleted: bool = False


@dataclass(frozen=True)
class Photo:
    """A photo sent with a write-back: JPEG bytes and a file name."""

    name: str
    data: bytes
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class WriteBack:
    """An answer to a record, written back to its source app.

    ``status`` is the hub's canonical status; ``idempotency_key`` is the same on every attempt,
    so the source applies a retried write-back once.
    """

    external_id: str
    status: str
    note: str
    author: str
    idempotency_key: str
    photos: tuple[Photo, ...] = ()


@dataclass
class Page:
    """One page from a source: raw payloads, the cursor after them, and whether more follow."""

    records: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool = False


class Connector(Protocol):
    """Reads a source page by page.

    ``fetch_page(None)`` starts a complete listing; ``fetch_page(cursor)`` continues after the
    last stored page, so a sync that finished with a cursor asks only for what changed since.
    Raise :class:`TransientError`, :class:`AuthError` or :class:`SourceError` for failures;
    network errors from httpx are treated as transient by the engine, and a
    :class:`MalformedJSON` answer is read again too.
    """

    def fetch_page(self, cursor: str | None) -> Page: ...

    def close(self) -> None: ...


def http_client(
    base_url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
) -> httpx.Client:
    """An httpx client for a connector, always with timeouts."""
    return httpx.Client(base_url=base_url, headers=headers, timeout=timeout, verify=_tls())


@cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every client: loading the CA bundle takes tens of ms."""
    return ssl.create_default_context()


def read_json(response: httpx.Response) -> Any:
    """Return the JSON body of a response, or raise the error its status calls for."""
    status = response.status_code
    if status == 429 or status >= 500:
        raise TransientError(f"HTTP {status} from {response.url}", _retry_after(response))
    if status in (401, 403):
        raise AuthError(f"HTTP {status}: the source refused the credentials")
    if status >= 400:
        raise SourceError(f"HTTP {status} from {response.url}: {response.text[:200]}")
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedJSON(f"malformed JSON from {response.url}: {error}") from None


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header, given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
