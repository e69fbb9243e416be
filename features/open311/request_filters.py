"""The filters of ``GET requests``: read from the query string and checked.

Standard: ``service_request_id`` (a comma-separated list, which overrides every other filter),
``service_code`` and ``status`` (lists), ``start_date`` and ``end_date`` over the time a request
was made (by default the last 90 days). Extensions: ``updated_after`` and ``updated_before`` over
the time it last changed (instead of the default window), and ``page`` with ``page_size``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from flask_babel import gettext

from features.open311.georeport import OPEN311_STATUSES, hub_statuses, parse_time

DEFAULT_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_ID_DIGITS = 18


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
            reader.fail(gettext("service_code “%(code)s” is not a service here.", code=code))
    statuses = reader.values("status")
    for status in statuses:
        if status not in OPEN311_STATUSES.words:
            reader.fail(gettext("status must be open or closed, not “%(status)s”.", status=status))
    requested_from, requested_to = reader.time("start_date"), reader.time("end_date")
    updated_from, updated_to = reader.time("updated_after"), reader.time("updated_before")
    if requested_from or requested_to or not (updated_from or updated_to):
        requested_to = requested_to or now
        requested_from = requested_from or requested_to - DEFAULT_SPAN
    reader.check_order(requested_from, requested_to, "start_date", "end_date")
    reader.check_order(updated_from, updated_to, "updated_after", "updated_before")
    filters = RequestFilters(
        categories=tuple(category for category in categories.values() if category) or None,
        statuses=tuple(s for status in statuses for s in hub_statuses(status)) or None,
        requested_from=requested_from,
        requested_to=requested_to,
        updated_from=updated_from,
        updated_to=updated_to,
        page=reader.number("page", 1, None),
        page_size=reader.number("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE),
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
        text = self.args.get(name, "").strip()
        if not text:
            return None
        try:
            return parse_time(text, self.zone)
        except ValueError:
            self.fail(
                gettext(
                    "%(name)s must be a date and time such as 2026-11-23T08:00:00+07:00, "
                    "not “%(value)s”.",
                    name=name,
                    value=text,
                )
            )
            return None

    def number(self, name: str, default: int, most: int | None) -> int:
        """A whole number from 1, at most ``most``."""
        text = self.args.get(name, "").strip()
        if not text:
            return default
        if not text.isdecimal() or int(text) < 1:
            self.fail(gettext("%(name)s must be a whole number from 1.", name=name))
            return default
        return min(int(text), most) if most else int(text)

    def check_order(
        self, first: datetime | None, last: datetime | None, first_name: str, last_name: str
    ) -> None:
        if first and last and first > last:
            self.fail(gettext("%(first)s is after %(last)s.", first=first_name, last=last_name))
