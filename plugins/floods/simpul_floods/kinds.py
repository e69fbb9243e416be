"""The ``flood_gauge`` record kind: a water-level post and its alert level (siaga)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.api import RecordKind, Status

KIND = "flood_gauge"
NORMAL, SIAGA_3, SIAGA_2, SIAGA_1 = "normal", "siaga_3", "siaga_2", "siaga_1"
ALERTS = (SIAGA_3, SIAGA_2, SIAGA_1)
"""The alert levels, from the first to the most dangerous; below Siaga 3 a gauge is normal."""

FLOOD_GAUGE = RecordKind(
    KIND,
    _l("Flood gauge"),
    (
        Status(NORMAL, _l("Normal (Siaga 4)"), "green"),
        Status(SIAGA_3, _l("Siaga 3 (alert)"), "yellow"),
        Status(SIAGA_2, _l("Siaga 2 (critical)"), "red"),
        Status(SIAGA_1, _l("Siaga 1 (danger)"), "red"),
    ),
)
"""The statuses from calm to danger. The wall has only red, yellow and green, so Siaga 2 and
Siaga 1 are both red; the widgets name them apart."""
