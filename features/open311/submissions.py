"""Reading a submitted service request (``POST requests``) into the payload the hub stores.

Required, as GeoReport v2 has it: ``service_code`` (a service of ``services``) and a location
(``lat`` with ``long``, ``address_string`` or ``address_id``); the ``description`` is optional.
The fields come from a form or from a JSON object, whose numbers are read as text
(:func:`json_values`). Every problem is reported at once. The kelurahan is the one
``address_string`` names (see :mod:`features.open311.addresses`).
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
from features.open311.georeport import code_text
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
FIELDS = (
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "media_url",
    *OPTIONAL_FIELDS,
)
"""The fields a submission may have; a service's ``attribute`` answers are not asked for."""


class SubmissionErrors(ValueError):
    """A submission that cannot be stored; ``messages`` names every problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def json_values(body: object) -> dict[str, str]:
    """The fields of a submission sent as a JSON object, as text: a number is read as its text
    (``"service_code": 139``), a null as nothing; :class:`SubmissionErrors` for a body that is
    not an object, or a field that is neither text nor a number."""
    if not isinstance(body, dict):
        raise SubmissionErrors([gettext("The body must be a JSON object of the request's fields.")])
    values, errors = {}, []
    for name in FIELDS:
        value = body.get(name)
        if value is None:
            continue
        text = value if isinstance(value, str) else code_text(value)
        if text is None:
            errors.append(gettext("%(name)s must be text or a number.", name=name))
        else:
            values[name] = text
    if errors:
        raise SubmissionErrors(errors)
    return values


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
    if len(description) > DESCRIPTION_LIMIT:
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
        "description": description or None,
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
