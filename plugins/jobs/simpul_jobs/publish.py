"""A vacancy as the schema.org JobPosting that job search engines read.

Everything comes from the vacancy record's own facts (its attributes and the posting's
description): nothing of a job seeker is ever in a vacancy, and nothing of the payload is passed
on wholesale. Search engines require title, description, datePosted, hiringOrganization and
jobLocation (or, for a remote job, jobLocationType with applicantLocationRequirements); the rest
(validThrough, employmentType, baseSalary, identifier) is given when known.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from hub.api import Record
from simpul_jobs.salary import monetary_amount

ADDRESS_FIELDS = ("streetAddress", "addressLocality", "addressRegion", "postalCode")
COUNTRY = "ID"
"""Every kelurahan code is a Kemendagri code, so a vacancy that has one is in Indonesia."""
TELECOMMUTE = "TELECOMMUTE"


def job_posting(record: Record, url: str, names: Mapping[str, str], zone: tzinfo) -> dict[str, Any]:
    """The JobPosting of vacancy ``record``, published at ``url``; ``names`` are area names by
    code (its kelurahan, kecamatan and city), for the address; times are given in ``zone``."""
    attributes = record.attributes or {}
    company = attributes.get("company") or ""
    posting: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": record.title,
        "description": description_of(record),
        "identifier": {"@type": "PropertyValue", "name": company, "value": record.external_id},
        "datePosted": _local(record.created_at, zone),
        "hiringOrganization": {"@type": "Organization", "name": company},
        "url": url,
        "totalJobOpenings": int(record.amount or 1),
    }
    if attributes.get("deadline"):
        posting["validThrough"] = _local(datetime.fromisoformat(attributes["deadline"]), zone)
    if attributes.get("employment_type"):
        posting["employmentType"] = attributes["employment_type"]
    if attributes.get("salary"):
        posting["baseSalary"] = monetary_amount(attributes["salary"])
    if record.category:
        posting["industry"] = record.category
    if attributes.get("skills"):
        posting["skills"] = ", ".join(attributes["skills"])
    if attributes.get("education_requirements"):
        posting["educationRequirements"] = attributes["education_requirements"]
    return posting | where(record, names)


def where(record: Record, names: Mapping[str, str]) -> dict[str, Any]:
    """The jobLocation of the vacancy (with its kelurahan by Kemendagri code, as the hub's
    sources give it), or what says where a remote job may be done from."""
    attributes = record.attributes or {}
    if attributes.get("location_type") == TELECOMMUTE and attributes.get("applicant_locations"):
        return {
            "jobLocationType": TELECOMMUTE,
            "applicantLocationRequirements": [
                {"@type": "AdministrativeArea", "name": name}
                for name in attributes["applicant_locations"]
            ],
        }
    place: dict[str, Any] = {"@type": "Place", "address": postal_address(record, names)}
    if record.area_code:
        place["containedInPlace"] = {
            "@type": "AdministrativeArea",
            "name": names.get(record.area_code, record.area_code),
            "identifier": record.area_code,
        }
    return {"jobLocation": place}


def postal_address(record: Record, names: Mapping[str, str]) -> dict[str, Any]:
    """The posting's own address, completed from the vacancy's kelurahan where it says less."""
    location = (record.attributes or {}).get("location")
    given = location.get("address") if isinstance(location, Mapping) else location
    if isinstance(given, str):
        given = {"streetAddress": given}
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if isinstance(given, Mapping):
        address |= {k: given[k] for k in (*ADDRESS_FIELDS, "addressCountry") if given.get(k)}
    if record.area_code:
        city = ".".join(record.area_code.split(".")[:2])
        address.setdefault("addressLocality", names.get(record.area_code, record.area_code))
        address.setdefault("addressRegion", names.get(city, city))
        address.setdefault("addressCountry", COUNTRY)
    return address


def description_of(record: Record) -> str:
    """The posting's description as its source gave it, else the title and the company."""
    description = (record.payload or {}).get("description")
    if isinstance(description, str) and description.strip():
        return description.strip()
    company = (record.attributes or {}).get("company")
    return f"{record.title} — {company}" if company else record.title


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")
