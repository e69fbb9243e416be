"""Medians from counted buckets: durations kept as counts, each median within 1% of the exact one.

A duration of ``s`` seconds falls in bucket ``ceil(log(s) / log(GAMMA))``, so that bucket ``i``
spans from ``GAMMA ** (i - 1)`` to ``GAMMA ** i`` seconds; the bucket's value is the point of
that span within ``ACCURACY`` of either end, as DDSketch (Masson, Rim and Lee, 2019) does.
Bucket 0 holds the durations of a second or less (value 0), a negative one (a source's clock
behind) among them. Counts of buckets add up over days, kelurahan and
agencies, and the median of any sum is read off its two middle buckets: the median of the
durations' values, each within ``ACCURACY`` of its duration, so within ``ACCURACY`` itself.
"""

from __future__ import annotations

import math

ACCURACY = 0.01
"""The largest relative error of a bucket's value, and so of a median."""
GAMMA = (1 + ACCURACY) / (1 - ACCURACY)
LOG_GAMMA = math.log(GAMMA)


def bucket_of(seconds: float) -> int:
    """The bucket a duration of ``seconds`` falls in."""
    if seconds <= 1:
        return 0
    return math.ceil(math.log(seconds) / LOG_GAMMA)


def value_of(bucket: int) -> float:
    """The seconds a bucket stands for."""
    if bucket <= 0:
        return 0.0
    return 2 * GAMMA**bucket / (GAMMA + 1)


def median_of(lower: int, upper: int) -> float:
    """The median seconds of a sum whose middle durations fall in buckets ``lower``, ``upper``."""
    return (value_of(lower) + value_of(upper)) / 2
