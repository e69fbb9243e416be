"""The ``[reports]`` table: the activity types ward staff may report, each a usable name."""

from __future__ import annotations

import pytest

from hub.sources import ConfigError
from hub.state import current_hub


def test_the_activity_types_are_read_without_surrounding_spaces(make_app, sqlite_url) -> None:
    sections = {"reports": {"activity_types": [" Kerja bakti ", "Posyandu"]}}

    hub = current_hub(make_app(sqlite_url, sections=sections))

    assert hub.section("reports").activity_types == ("Kerja bakti", "Posyandu")


@pytest.mark.parametrize(
    ("activity_types", "message"),
    [
        ([], "[reports] activity_types: Tuple should have at least 1 item after validation"),
        ([""], "[reports] activity_types.0: String should have at least 1 character"),
        (["Posyandu", " "], "[reports] activity_types.1: String should have at least 1 character"),
        (["x" * 65], "[reports] activity_types.0: String should have at most 64 characters"),
    ],
)
def test_an_unusable_activity_type_stops_the_hub_naming_it(
    make_app, sqlite_url, activity_types, message
) -> None:
    with pytest.raises(ConfigError) as refused:
        make_app(sqlite_url, sections={"reports": {"activity_types": activity_types}})

    assert message in str(refused.value)
