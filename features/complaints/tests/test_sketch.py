"""The buckets of the medians: every duration's bucket stands for it within the accuracy."""

from __future__ import annotations

import random
import statistics

import pytest

from features.complaints.sketch import ACCURACY, bucket_of, median_of, value_of


def test_a_bucket_stands_for_each_of_its_durations_within_the_accuracy():
    chance = random.Random(17)
    for seconds in [1.5, 2, 59, 3600, 86400 * 30, *(chance.uniform(1, 10**7) for _ in range(2000))]:
        assert abs(value_of(bucket_of(seconds)) - seconds) <= ACCURACY * seconds, seconds


def test_buckets_keep_the_order_of_durations():
    durations = sorted(random.Random(3).uniform(0, 10**6) for _ in range(2000))
    buckets = [bucket_of(seconds) for seconds in durations]
    assert buckets == sorted(buckets)


@pytest.mark.parametrize("seconds", [-3600, 0, 0.5, 1])
def test_a_second_or_less_and_a_source_s_clock_behind_count_as_none(seconds):
    assert bucket_of(seconds) == 0 and value_of(0) == 0


def test_the_median_of_the_middle_buckets_is_within_the_accuracy_of_the_exact_one():
    chance = random.Random(11)
    for size in (1, 2, 7, 40, 41):
        durations = sorted(chance.expovariate(1 / 40000) + 2 for _ in range(size))
        lower, upper = durations[(size - 1) // 2], durations[size // 2]
        exact = statistics.median(durations)
        assert abs(median_of(bucket_of(lower), bucket_of(upper)) - exact) <= ACCURACY * exact
