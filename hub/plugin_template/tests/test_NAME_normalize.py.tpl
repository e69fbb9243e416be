"""Normalizing ${title} items."""

import pytest

from hub.api import InvalidRecord
from ${package}.normalize import KIND, normalize

ITEM = {
    "id": "ITEM-00001",
    "title": "Lampu jalan mati",
    "status": "open",
    "kelurahan_code": "31.75.01.1001",
    "created_at": "2026-11-02T08:00:00+07:00",
    "updated_at": "2026-11-02T09:30:00+07:00",
}


def test_an_item_becomes_a_record():
    record = normalize(ITEM)

    assert (record.external_id, record.kind, record.status) == ("ITEM-00001", KIND, "open")
    assert record.area_code == "31.75.01.1001"
    assert record.updated_at.isoformat() == "2026-11-02T09:30:00+07:00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "no id"),
        ({"status": "lost"}, "unknown status"),
        ({"updated_at": "yesterday"}, "updated_at must be an ISO 8601 time"),
        ({"created_at": "2026-11-02T08:00:00"}, "created_at has no time zone"),
    ],
)
def test_an_unusable_item_is_refused_with_the_reason(change, message):
    with pytest.raises(InvalidRecord, match=message):
        normalize({**ITEM, **change})
