"""GeoReport v2's two statuses, as the hub's."""

from __future__ import annotations

import pytest

from features.open311.georeport import OPEN311_STATUSES, hub_statuses


@pytest.mark.parametrize(("word", "status"), [("open", "open"), ("closed", "resolved")])
def test_open311_statuses_map_to_the_hubs(word, status):
    assert OPEN311_STATUSES.canonical(word) == status


@pytest.mark.parametrize(
    ("status", "word"),
    [("open", "open"), ("disposition", "open"), ("in_progress", "open"), ("closed", "closed")],
)
def test_every_hub_status_is_open_or_closed_in_georeport(status, word):
    assert OPEN311_STATUSES.word_for(status) == word


def test_closed_covers_done_and_closed_without_a_fix():
    assert hub_statuses("closed") == ("resolved", "closed")
