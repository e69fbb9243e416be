"""The normalizer: budget lines and realizations become records, or InvalidRecord says why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from simpul_finance.fiscal import record_date
from simpul_finance.normalize import normalize

from hub.api import InvalidRecord

LINE: dict[str, Any] = {
    "kind": "budget_line",
    "id": "BL-2026-00001",
    "year": 2026,
    "opd_code": "1.03.0.00.0.00.01.0000",
    "opd_name": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "program": "PROGRAM PENYELENGGARAAN JALAN",
    "activity": "Penyelenggaraan Jalan Kabupaten/Kota",
    "account_code": "5.2.04.01.01.0012",
    "account_name": "Belanja Modal Jalan Kabupaten/Kota",
    "amount": "1250000000.00",
    "status": "original",
    "area_code": None,
    "updated_at": "2025-12-20T03:00:01.000000Z",
}
SP2D: dict[str, Any] = {
    "kind": "realization",
    "sp2d_number": "00012/SP2D/LS/1.03.0.00.0.00.01.0000/2026",
    "date": "2026-03-15",
    "line_id": "BL-2026-00001",
    "opd_code": "1.03.0.00.0.00.01.0000",
    "amount": "125000000.50",
    "recorded_at": "2026-03-15T03:12:00.000000Z",
}


def test_a_budget_line_becomes_a_record_of_its_agency_and_year() -> None:
    record = normalize(LINE)

    assert (record.external_id, record.kind, record.status) == (
        "BL-2026-00001",
        "budget_line",
        "original",
    )
    assert record.category == "1.03.0.00.0.00.01.0000"
    assert record.title == "Penyelenggaraan Jalan Kabupaten/Kota"
    assert record.amount == Decimal("1250000000.00") and isinstance(record.amount, Decimal)
    assert record_date(record.created_at) == date(2026, 1, 1)
    assert record.updated_at == datetime(2025, 12, 20, 3, 0, 1, tzinfo=UTC)
    assert record.area_code is None
    assert record.attributes == {
        "year": 2026,
        "opd_name": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "program": "PROGRAM PENYELENGGARAAN JALAN",
        "activity": "Penyelenggaraan Jalan Kabupaten/Kota",
        "account_code": "5.2.04.01.01.0012",
        "account_name": "Belanja Modal Jalan Kabupaten/Kota",
    }


def test_a_kecamatan_line_keeps_its_area_and_a_file_line_needs_no_status_or_time() -> None:
    payload = {**LINE, "area_code": "36.71.05", "amount": 500000000}
    for optional in ("status", "updated_at", "account_name"):
        del payload[optional]

    record = normalize(payload)

    assert record.area_code == "36.71.05"
    assert (record.status, record.updated_at) == ("original", None)
    assert record.amount == Decimal(500000000)
    assert record.attributes["account_name"] == ""


def test_a_realization_is_identified_by_its_sp2d_and_dated_by_it() -> None:
    record = normalize(SP2D)

    assert (record.external_id, record.kind, record.status) == (
        "00012/SP2D/LS/1.03.0.00.0.00.01.0000/2026",
        "realization",
        "issued",
    )
    assert record.category == "1.03.0.00.0.00.01.0000"
    assert record.amount == Decimal("125000000.50")
    assert record_date(record.created_at) == date(2026, 3, 15)
    assert record.created_at.tzinfo is not None
    assert record.attributes == {
        "line_id": "BL-2026-00001",
        "opd_code": "1.03.0.00.0.00.01.0000",
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({**LINE, "kind": "invoice"}, "kind 'invoice' is neither 'budget_line' nor 'realization'"),
        ({**LINE, "id": " "}, "id is missing"),
        ({**LINE, "id": "x" * 129}, "id is longer than 128 characters"),
        ({**LINE, "year": "2026"}, "year '2026' is not a year from 2000 to 2100"),
        ({**LINE, "year": 1999}, "year 1999 is not a year"),
        ({**LINE, "opd_code": None}, "opd_code is missing"),
        ({**LINE, "account_code": "5102"}, "account_code '5102' is not an account code"),
        ({**LINE, "amount": 1250000.0}, "amount 1250000.0 is not an amount like '1250000.00'"),
        ({**LINE, "amount": "1.250.000,00"}, "amount '1.250.000,00' is not an amount"),
        ({**LINE, "amount": "-5.00"}, "amount '-5.00' is not an amount"),
        ({**LINE, "amount": True}, "amount True is not an amount"),
        ({**LINE, "amount": "12345678901234.00"}, "too large"),
        ({**LINE, "status": "draft"}, "status 'draft' is neither 'original' nor 'revised'"),
        ({**LINE, "area_code": 3671}, "area_code 3671 is not a Kemendagri code"),
        ({**LINE, "updated_at": "2025-12-20T03:00:00"}, "updated_at '2025-12-20T03:00:00' has no"),
        ({**SP2D, "sp2d_number": ""}, "sp2d_number is missing"),
        ({**SP2D, "amount": "0.00"}, "amount of a realization must be more than 0"),
        ({**SP2D, "date": "15/03/2026"}, "date '15/03/2026' is not a date like '2026-03-15'"),
        ({**SP2D, "date": "20260315"}, "date '20260315' is not a date"),
        ({**SP2D, "date": None}, "date None is not a date"),
        ({**SP2D, "line_id": None}, "line_id is missing"),
        ({**SP2D, "recorded_at": "yesterday"}, "recorded_at 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_unusable_payloads_are_invalid_records(payload: dict, message: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        normalize(payload)

    assert message in str(caught.value)


def test_every_simulated_payload_normalizes(connect, read_all) -> None:
    payloads, _ = read_all(connect())

    records = [normalize(payload) for payload in payloads]

    assert {r.kind for r in records} == {"budget_line", "realization"}
    assert all(isinstance(r.amount, Decimal) and r.amount > 0 for r in records)
    assert len({r.external_id for r in records}) == len(records)


def test_the_api_never_sends_a_float(control: httpx.Client) -> None:
    lines = control.get("/api/v1/budget-lines", params={"limit": 1000}).json()["data"]
    spent = control.get("/api/v1/realizations", params={"limit": 1000}).json()["data"]

    assert all(isinstance(item["amount"], str) for item in lines + spent)
