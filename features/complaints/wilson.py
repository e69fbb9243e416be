"""The Wilson score interval's bounds: rates that a handful of complaints cannot inflate.

One answered complaint of one is a rate of 100%, but the 95% lower bound is about 21%; fifty of
a hundred is 50%, with a bound of about 40%. Ranking by the lower bound puts an area that
answered many complaints above one that answered very few, at nearly the same rate. The upper
bound does the same at the bottom: an area that left its only complaint unanswered (upper bound
about 79%) is not shown as worse than one that answered 35 of 100 (about 45%).
"""

from __future__ import annotations

import math

Z_95 = 1.96
"""The standard normal quantile of a two-sided 95% interval."""


def wilson_lower_bound(successes: int, total: int, z: float = Z_95) -> float:
    """The lower bound of the Wilson score interval of ``successes`` out of ``total`` (0 to 1);
    0 when there is nothing to count."""
    if total <= 0:
        return 0.0
    centre, margin = _interval(successes, total, z)
    return max(0.0, centre - margin)


def wilson_upper_bound(successes: int, total: int, z: float = Z_95) -> float:
    """The upper bound of that interval (0 to 1); 1 when there is nothing to count."""
    if total <= 0:
        return 1.0
    centre, margin = _interval(successes, total, z)
    return min(1.0, centre + margin)


def _interval(successes: int, total: int, z: float) -> tuple[float, float]:
    """The interval's centre and half-width."""
    share = successes / total
    spread = z * z / total
    centre = share + spread / 2
    margin = z * math.sqrt(share * (1 - share) / total + spread / (4 * total))
    return centre / (1 + spread), margin / (1 + spread)
