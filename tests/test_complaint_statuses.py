"""One status model for every source, the workflow between statuses, and routing config."""

from __future__ import annotations

import pytest

from hub.complaints.routing import DEFAULT_CATEGORIES, read_routing
from hub.complaints.statuses import canonical_status, may_move, source_status
from hub.sources import ConfigError


@pytest.mark.parametrize(
    ("scheme", "value", "status"),
    [
        ("qlue", "wait", "open"),
        ("qlue", "process", "in_progress"),
        ("qlue", "complete", "resolved"),
        ("open311", "open", "open"),
        ("open311", "closed", "resolved"),
        ("crm", "Menunggu", "open"),
        ("crm", "Koordinasi", "coordination"),
        ("crm", "Disposisi", "disposition"),
        ("crm", "Proses", "in_progress"),
        ("crm", "Selesai", "resolved"),
    ],
)
def test_each_source_systems_statuses_map_to_the_hubs(scheme, value, status):
    assert canonical_status(scheme, value) == status


def test_an_unknown_status_names_the_ones_the_scheme_knows():
    with pytest.raises(ValueError, match="unknown status 'done' \\(expected wait, process"):
        canonical_status("qlue", "done")
    with pytest.raises(ValueError, match="unknown status scheme 'sap'"):
        canonical_status("sap", "open")


@pytest.mark.parametrize(
    ("scheme", "status", "word"),
    [
        ("crm", "coordination", "Koordinasi"),
        ("crm", "closed", "Selesai"),
        ("open311", "in_progress", "open"),
        ("open311", "closed", "closed"),
    ],
)
def test_a_hub_status_is_shown_in_a_source_systems_words(scheme, status, word):
    assert source_status(scheme, status) == word


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
