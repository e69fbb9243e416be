"""Reads any SCIM 2.0 service provider: its Groups (the units), then its Users (the staff).

Both are read page by page with ``startIndex`` and ``count``. A complete listing (cursor None)
reads everything; after it, each run asks only for what changed after the watermark, with
``filter=meta.lastModified gt "<watermark>"``. The watermark is the newest ``lastModified`` the
run saw, but never later than the provider's clock when the run began (its ``Date`` header): a
user changed while the run was paging past it is read again by the next run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from hub.api import Page, SourceError, read_json
from simpul_hr.normalize_scim import UNIT_KEY
from simpul_hr.scim import ERROR, attribute, format_time, parse_time
from simpul_hr.scim_auth import scim_client

GROUPS, USERS = "Groups", "Users"


@dataclass(frozen=True)
class Position:
    """Where a run is: the watermark it reads changes after (None: everything), the endpoint and
    index it reads next, the newest change it saw so far, and the provider's clock at its start."""

    since: str | None = None
    endpoint: str = GROUPS
    start: int = 1
    newest: str | None = None
    began: str | None = None

    @classmethod
    def read(cls, cursor: str | None) -> Position:
        if cursor is None:
            return cls()
        try:
            position = cls(**json.loads(cursor))
            valid = position.endpoint in (GROUPS, USERS) and type(position.start) is int
        except (TypeError, ValueError):
            valid = False
        if not valid or position.start < 1:
            raise SourceError(f"cursor {cursor!r} is not a SCIM position: run a full sync")
        return position

    def dump(self) -> str:
        return json.dumps(asdict(self))


class ScimConnector:
    """A connector over ``/Groups`` and ``/Users`` of a SCIM provider, signed as
    :func:`~simpul_hr.scim_auth.scim_client` says."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.page_size: int = settings["page_size"]
        self.unit_attribute: str = settings["unit_attribute"]
        self.client = scim_client(settings, {"Accept": "application/scim+json, application/json"})

    def fetch_page(self, cursor: str | None) -> Page:
        at = Position.read(cursor)
        response = self.client.get(at.endpoint, params=self._query(at))
        body = list_response(read_scim(response), at.endpoint)
        resources = body["Resources"]
        records = resources if at.endpoint == GROUPS else [self._with_unit(r) for r in resources]
        began = at.began or provider_clock(response)
        newest = newest_change(at.newest, resources)
        if resources and at.start + len(resources) <= body["totalResults"]:
            following = replace(at, start=at.start + len(resources), newest=newest, began=began)
        elif at.endpoint == GROUPS:
            following = Position(at.since, USERS, 1, newest, began)
        else:
            done = Position(since=watermark(at.since, newest, began))
            return Page(records=records, next_cursor=done.dump(), has_more=False)
        return Page(records=records, next_cursor=following.dump(), has_more=True)

    def close(self) -> None:
        self.client.close()

    def _query(self, at: Position) -> dict[str, Any]:
        query: dict[str, Any] = {"startIndex": at.start, "count": self.page_size}
        if at.since:
            query["filter"] = f'meta.lastModified gt "{at.since}"'
        if at.endpoint == GROUPS:
            query["excludedAttributes"] = "members"
        return query

    def _with_unit(self, resource: Any) -> Any:
        """A User with the unit its ``unit_attribute`` names, under UNIT_KEY."""
        if not isinstance(resource, dict):
            return resource
        return {**resource, UNIT_KEY: attribute(resource, self.unit_attribute)}


def read_scim(response: httpx.Response) -> Any:
    """The JSON body of a SCIM response; a SCIM error's detail names what the provider refused."""
    status = response.status_code
    if 400 <= status < 500 and status not in (401, 403, 429):
        raise SourceError(f"SCIM {response.url.path} answered {scim_error(response)}")
    return read_json(response)


def scim_error(response: httpx.Response) -> str:
    """``HTTP 400 invalidFilter: <detail>`` from a SCIM error body, or the start of the text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ERROR in (body.get("schemas") or []):
        kind = f" {body['scimType']}" if body.get("scimType") else ""
        return f"HTTP {response.status_code}{kind}: {body.get('detail', '')}"
    return f"HTTP {response.status_code}: {response.text[:200]}"


def list_response(body: Any, endpoint: str) -> dict[str, Any]:
    """A ListResponse ``body`` with its Resources, else SourceError saying what is wrong."""
    where = f"SCIM /{endpoint}"
    if not isinstance(body, dict):
        raise SourceError(f"{where} answered {type(body).__name__}, expected a ListResponse")
    total = body.get("totalResults")
    if type(total) is not int or total < 0:
        raise SourceError(f"{where}: totalResults must be a whole number, got {total!r}")
    resources = body.get("Resources", [])
    if not isinstance(resources, list):
        raise SourceError(f"{where}: Resources must be a list")
    return {**body, "Resources": resources}


def provider_clock(response: httpx.Response) -> str | None:
    """The provider's time from the ``Date`` header, None without one."""
    try:
        return format_time(parsedate_to_datetime(response.headers["Date"]))
    except (KeyError, TypeError, ValueError):
        return None


def newest_change(newest: str | None, resources: list[Any]) -> str | None:
    """The latest ``meta.lastModified`` of ``resources`` and ``newest``."""
    moments = [parse_time(newest)] if newest else []
    for resource in resources:
        try:
            moments.append(parse_time(resource["meta"]["lastModified"]))
        except (KeyError, TypeError, ValueError):
            continue
    return format_time(max(moments)) if moments else None


def watermark(since: str | None, newest: str | None, began: str | None) -> str | None:
    """Where the next run starts: the newest change seen, but no later than the run's start."""
    if newest is None:
        return since
    if began is None:
        return newest
    return format_time(min(parse_time(newest), parse_time(began)))
