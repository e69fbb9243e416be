"""The words the wall screens' script shows, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext

from hub.live.freshness import DOWN_STATE, FRESH, LIVE, STALE, UNKNOWN


def client_strings() -> dict[str, object]:
    return {
        "as_of": gettext("Data as of %(time)s", time="{time}"),
        "no_data": gettext("No data yet"),
        "freshness": {
            FRESH: "",
            LIVE: "",
            STALE: gettext("Data is late"),
            DOWN_STATE: gettext("Source is down"),
            UNKNOWN: gettext("Not read yet"),
        },
        "health": {
            "ok": gettext("OK"),
            "degraded": gettext("Degraded"),
            "down": gettext("Down"),
            "needs_reauth": gettext("Needs re-authentication"),
            "unknown": gettext("Unknown"),
        },
        "offline": gettext("Connection lost: showing the last data received. Retrying…"),
        "unavailable": gettext("Widget not available"),
        "failed": gettext("This widget could not be shown."),
        "empty": gettext("Nothing to show yet."),
        "no_screens": gettext("This playlist has no screens yet."),
        "back": gettext("Back to the portal"),
        "screen_of": gettext("Screen %(number)s of %(total)s", number="{number}", total="{total}"),
        "trend_span": gettext("From %(start)s to %(end)s", start="{start}", end="{end}"),
        "trend_series": gettext(
            "%(series)s went from %(first)s to %(last)s, highest %(most)s",
            series="{series}",
            first="{first}",
            last="{last}",
            most="{most}",
        ),
        "map_places": gettext("%(count)s places marked", count="{count}"),
    }
