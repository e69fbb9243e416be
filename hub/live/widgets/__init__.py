"""The hub's own widgets: complaints (with their map), activity reports and source health."""

from __future__ import annotations

from hub.context import Hub
from hub.live.widgets.complaint_map import complaint_map_widget
from hub.live.widgets.complaints import complaint_widgets
from hub.live.widgets.reports import latest_reports_widget
from hub.live.widgets.sources import source_health_widget
from hub.widgets import Widget


def hub_widgets(hub: Hub) -> list[Widget]:
    return [
        *complaint_widgets(hub.settings),
        complaint_map_widget(),
        latest_reports_widget(),
        source_health_widget(hub),
    ]
