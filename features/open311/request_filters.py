"""The filters of ``GET requests``: read from the query string and checked.

Standard: ``service_request_id`` (a comma-separated list, which overrides every other filter),
``service_code`` and ``status`` (lists), ``start_date`` and ``end_date`` over the time a request
was made (by default the last 90 days). Extensions: ``updated_after`` and ``updated_before`` over
the time it last changed (instead of the default window), and ``page`` with ``page_size``.
A time that falls before year 1 or after year 9999 in UTC counts as that end of the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from flask_babel import gettext

from features.open311.georeport import OPEN311_STATUSES, hub_statuses, parse_time

DEFAULT_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_PAGE = 1_000_000
MAX_ID_DIGITS = 18
MAX_ECHO = 40
EARLIEST, LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RequestFilters:
    """What a listing asks for; ``None`` means "any"."""

    ids: tuple[int, ...] | None = None
    categories: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; one that falls outside the years 1 to 9999 there is the nearest end."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return EARLIEST if moment.year == datetime.min.year else LATEST


def earlier(moment: datetime, span: timedelta) -> datetime:
    """``span`` before ``moment``, or the earliest moment there is."""
    return moment - span if moment - EARLIEST > span else EARLIEST


def echo(text: str) -> str:
    """A value quoted back to the client, shortened."""
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


def record_id(text: str) -> int | None:
    """The record id a ``service_request_id`` stands for; None if it cannot be one."""
    return int(text) if text.isdecimal() and len(text) <= MAX_ID_DIGITS else None


class FilterErrors(ValueError):
    """Query parameters that cannot be used; ``messages`` says what is wrong with each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_filters(
    args: Mapping[str, str],
    category_of: Callable[[str], str | None],
    now: datetime,
    zone: tzinfo,
) -> RequestFilters:
    """The filters in ``args``; ``category_of`` gives the category of a service code, if any.

    Raises :class:`FilterErrors` naming every bad parameter.
    """
    reader = _Reader(args, zone)
    if args.get("service_request_id", "").strip():
        ids = (record_id(value) for value in reader.values("service_request_id"))
        return RequestFilters(ids=tuple(i for i in ids if i is not None)[:MAX_PAGE_SIZE])
    categories = {code: category_of(code) for code in reader.values("service_code")}
    for code, category in categories.items():
        if category is None:
            reader.fail(gettext("service_code “%(code)s” is not a service here.", code=echo(code)))
    statuses = reader.values("status")
    for status in statuses:
        if status not in OPEN311_STATUSES.words:
            message = gettext(
                "status must be open or closed, not “%(status)s”.", status=echo(status)
            )
            reader.fail(message)
    requested_from, requested_to = reader.time("start_date"), reader.time("end_date")
    updated_from, updated_to = reader.time("updated_after"), reader.time("updated_before")
    if requested_from or requested_to or not (updated_from or updated_to):
        requested_to = requested_to or now
        requested_from = requested_from or earlier(requested_to, DEFAULT_SPAN)
    reader.check_order(requested_from, requested_to, "start_date", "end_date")
    reader.check_order(updated_from, updated_to, "updated_after", "updated_before")
    filters = RequestFilters(
        categories=tuple(category for category in categories.values() if category) or None,
        statuses=tuple(s for status in statuses for s in hub_statuses(status)) or None,
        requested_from=requested_from,
        requested_to=requested_to,
        updated_from=updated_from,
        updated_to=updated_to,
        page=reader.page(),
        page_size=min(reader.number("page_size", MAX_PAGE_SIZE), MAX_PAGE_SIZE),
    )
    if reader.errors:
        raise FilterErrors(reader.errors)
    return filters


class _Reader:
    """Reads parameters one by one and collects what is wrong with them."""

    def __init__(self, args: Mapping[str, str], zone: tzinfo) -> None:
        self.args = args
        self.zone = zone
        self.errors: list[str] = []

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def values(self, name: str) -> list[str]:
        """A comma-separated list."""
        return [value.strip() for value in self.args.get(name, "").split(",") if value.strip()]

    def time(self, name: str) -> datetime | None:
        """A moment, in UTC."""
        text = self.args.get(name, "").strip()
        if not text:
            return None
        try:
            return in_utc(parse_time(text, self.zone))
        except ValueError:
            self.fail(
                gettext(
                    "%(name)s must be a date and time such as 2026-11-23T08:00:00+07:00, "
                    "not “%(value)s”.",
                    name=name,
                    value=echo(text),
                )
            )
            return None

    def number(self, name: str, default: int) -> int:
        """A whole number from 1; one of more than 18 digits reads as 10**18, beyond any limit."""
        text = self.args.get(name, "").strip()
        if not text:
            return default
        digits = text.lstrip("0")
        if not text.isdecimal() or not digits:
            self.fail(gettext("%(name)s must be a whole number from 1.", name=name))
            return default
        return int(digits) if len(digits) <= MAX_ID_DIGITS else 10**MAX_ID_DIGITS

    def page(self) -> int:
        """The page number, from 1 to :data:`MAX_PAGE`."""
        number = self.number("page", 1)
        if number > MAX_PAGE:
            self.fail(gettext("page must be at most %(most)d.", most=MAX_PAGE))
            return 1
        return number

    def check_order(
        self, first: datetime | None, last: datetime | None, first_name: str, last_name: str
    ) -> None:
        if first and last and first > last:
            self.fail(gettext("%(first)s is after %(last)s.", first=first_name, last=last_name))
