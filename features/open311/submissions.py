"""Reading a submitted service request (``POST requests``) into the payload the hub stores.

Required: ``service_code`` (a service of ``services``), a location (``lat`` with ``long``,
``address_string`` or ``address_id``) and a ``description``. Every problem is reported at once.
The kelurahan is the one ``address_string`` names (see :mod:`features.open311.addresses`).
"""

from __future__ import annotations

import math
import secrets
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from features.complaints.routing import Routing
from features.open311.addresses import Place, find_village, named_villages, simplified
from features.open311.services import category_of
from hub.api import Area

DESCRIPTION_LIMIT = 4000
FIELD_LIMIT = 200
OPTIONAL_FIELDS = (
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "jurisdiction_id",
)


class SubmissionErrors(ValueError):
    """A submission that cannot be stored; ``messages`` names every problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def read_submission(
    session: Session, routing: Routing, values: Mapping[str, str], now: datetime
) -> dict[str, Any]:
    """The payload of a new request from the submitted ``values``; :class:`SubmissionErrors`
    if any field is missing or wrong. The payload's ``token`` is the request's external id."""
    errors: list[str] = []
    text = {name: (values.get(name) or "").strip() for name in values}
    code = text.get("service_code", "")
    category = category_of(routing, code) if code else None
    if not code:
        errors.append(gettext("service_code is required."))
    elif category is None:
        errors.append(
            gettext("service_code “%(code)s” is not a service here: see services.json.", code=code)
        )
    latitude, longitude = _position(text, errors)
    address = text.get("address_string", "")
    if not (text.get("lat") or text.get("long") or address or text.get("address_id")):
        errors.append(
            gettext("A location is required: lat and long, address_string or address_id.")
        )
    description = text.get("description", "")
    if not description:
        errors.append(gettext("description is required."))
    elif len(description) > DESCRIPTION_LIMIT:
        errors.append(gettext("description is longer than 4,000 characters."))
    media_url = text.get("media_url", "")
    if media_url and not media_url.startswith(("http://", "https://")):
        errors.append(gettext("media_url must be an http or https address."))
    if text.get("email") and "@" not in text["email"]:
        errors.append(gettext("email is not an e-mail address."))
    errors += [
        gettext("%(name)s is longer than 200 characters.", name=name)
        for name in (*OPTIONAL_FIELDS, "address_string")
        if len(text.get(name, "")) > FIELD_LIMIT
    ]
    if errors:
        raise SubmissionErrors(errors)
    payload = {
        "token": secrets.token_hex(16),
        "service_code": code,
        "service_name": category,
        "description": description,
        "lat": latitude,
        "long": longitude,
        "address_string": address or None,
        "media_url": media_url or None,
        "requested_datetime": now.isoformat(),
        "area_code": village_in_address(session, address),
    }
    payload.update({name: text[name] for name in OPTIONAL_FIELDS if text.get(name)})
    return payload


def village_in_address(session: Session, address: str) -> str | None:
    """The code of the kelurahan (in the areas table) that ``address`` names, if one does."""
    names = named_villages(address)
    if not names:
        return None
    district, regency = aliased(Area), aliased(Area)
    rows = session.execute(
        select(Area.code, Area.name, district.name, regency.name)
        .join(district, district.code == Area.parent_code)
        .join(regency, regency.code == district.parent_code)
        .where(Area.level == "village", func.lower(Area.name).in_(names))
    )
    places: dict[str, list[Place]] = defaultdict(list)
    for code, village, district_name, regency_name in rows:
        places[simplified(village)].append(Place(code, village, district_name, regency_name))
    return find_village(address, places)


def _position(text: Mapping[str, str], errors: list[str]) -> tuple[float | None, float | None]:
    """``lat`` and ``long``, both or neither; errors say what is wrong."""
    given = [name for name in ("lat", "long") if text.get(name)]
    if not given:
        return None, None
    if len(given) == 1:
        errors.append(gettext("lat and long go together: send both."))
        return None, None
    latitude = _degrees(text["lat"], 90)
    longitude = _degrees(text["long"], 180)
    if latitude is None:
        errors.append(gettext("lat must be a number from -90 to 90."))
    if longitude is None:
        errors.append(gettext("long must be a number from -180 to 180."))
    return latitude, longitude


def _degrees(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None
