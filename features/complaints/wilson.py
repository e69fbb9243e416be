"""The Wilson score interval's lower bound: a rate that a handful of complaints cannot inflate.

One answered complaint of one is a rate of 100%, but the 95% lower bound is about 21%; fifty of
a hundred is 50%, with a bound of about 40%. Ranking by the bound puts an area that answered
many complaints above one that answered very few, at nearly the same rate.
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
    share = successes / total
    spread = z * z / total
    centre = share + spread / 2
    margin = z * math.sqrt(share * (1 - share) / total + spread / (4 * total))
    return max(0.0, (centre - margin) / (1 + spread))
