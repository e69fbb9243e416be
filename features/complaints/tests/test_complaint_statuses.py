"""One status model for every source, the workflow between statuses, and routing config."""

from __future__ import annotations

import pytest

from features.complaints.routing import DEFAULT_CATEGORIES, read_routing
from features.complaints.statuses import StatusWords, may_move
from hub.sources import ConfigError

CRM = StatusWords(
    {
        "Menunggu": "open",
        "Koordinasi": "coordination",
        "Disposisi": "disposition",
        "Proses": "in_progress",
        "Selesai": "resolved",
    }
)
"""Jakarta's later CRM flow."""


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("Menunggu", "open"),
        ("Koordinasi", "coordination"),
        ("Disposisi", "disposition"),
        ("Proses", "in_progress"),
        ("Selesai", "resolved"),
    ],
)
def test_a_source_systems_statuses_map_to_the_hubs(value, status):
    assert CRM.canonical(value) == status


def test_an_unknown_status_names_the_ones_the_system_knows():
    with pytest.raises(ValueError, match="unknown status 'done' \\(expected Menunggu, Koordinasi"):
        CRM.canonical("done")
    with pytest.raises(ValueError, match="unknown status None"):
        CRM.canonical(None)


@pytest.mark.parametrize(
    ("status", "word"),
    [("open", "Menunggu"), ("coordination", "Koordinasi"), ("closed", "Selesai")],
)
def test_a_hub_status_is_shown_in_a_source_systems_words(status, word):
    assert CRM.word_for(status) == word


def test_the_workflow_moves_forward_and_only_a_dispute_goes_back():
    assert may_move("open", "disposition") and may_move("in_progress", "resolved")
    assert not may_move("in_progress", "open")
    assert not may_move("resolved", "in_progress")
    assert not may_move("open", "open")


def test_routing_defaults_cover_qlues_categories_and_can_be_configured():
    assert read_routing({}, {}).rule("Lampu jalan rusak (PJU)").agency == "dppe"
    assert len(DEFAULT_CATEGORIES) == 14

    routing = read_routing(
        {"dkp": "Dinas Kebersihan dan Pertamanan"},
        {"Sampah": {"agency": "dkp", "response_hours": 12, "completion_hours": 48}},
    )

    assert routing.rule("Sampah").agency == "dkp"
    assert routing.rule("Sampah").response_hours == 12
    assert routing.rule("Banjir") is None


@pytest.mark.parametrize(
    ("agencies", "categories", "message"),
    [
        ({"dkp": "Dinas"}, {"Sampah": {"agency": "dlh"}}, "routed to agency 'dlh'"),
        ({"dkp": ""}, {}, "agency 'dkp' needs a name"),
        ({}, {"Sampah": {}}, "category 'Sampah' needs an agency"),
        ({}, {"Sampah": {"agency": "dlh", "response_hours": 0}}, "whole number of hours"),
        ({}, {"Sampah": {"agency": "dlh", "sla": 3}}, "unknown setting 'sla'"),
    ],
)
def test_a_bad_routing_configuration_says_what_is_wrong(agencies, categories, message):
    with pytest.raises(ConfigError, match=message):
        read_routing(agencies, categories)
