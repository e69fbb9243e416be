"""Amounts: read exactly however staff write them, refused clearly, shown in Rupiah."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from simpul_finance.formatting import bar_width, percent, rupiah
from simpul_finance.money import (
    NEGATIVE,
    NOT_AN_AMOUNT,
    TOO_LARGE,
    TOO_PRECISE,
    AmountError,
    canonical,
    exact_number,
    parse_amount,
    share,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1250000000.00", "1250000000.00"),
        ("1250000", "1250000"),
        ("0.5", "0.5"),
        ("1.250.000,00", "1250000.00"),
        ("1.250.000", "1250000"),
        ("1.250", "1250"),
        ("1,250,000.75", "1250000.75"),
        ("1250000,5", "1250000.5"),
        ("Rp 1.250.000", "1250000"),
        ("Rp. 12.500,25", "12500.25"),
        ("IDR 99", "99"),
        (" 1 250 000 ", "1250000"),
        ("9999999999999.99", "9999999999999.99"),
    ],
)
def test_amounts_are_read_exactly_as_staff_write_them(text: str, amount: str) -> None:
    parsed = parse_amount(text)

    assert parsed == Decimal(amount)
    assert isinstance(parsed, Decimal)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", NOT_AN_AMOUNT),
        ("satu juta", NOT_AN_AMOUNT),
        ("1.25.000", NOT_AN_AMOUNT),
        ("1,2,3", NOT_AN_AMOUNT),
        ("12.5.0,00", NOT_AN_AMOUNT),
        ("1e6", NOT_AN_AMOUNT),
        ("1250000.005", NOT_AN_AMOUNT),
        ("-1.000", NEGATIVE),
        ("(1.000)", NEGATIVE),
        ("10000000000000", TOO_LARGE),
    ],
)
def test_what_is_not_an_amount_says_why(text: str, reason: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)

    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (1250000, "1250000"),
        (1250000.5, "1250000.5"),
        (0.1, "0.1"),
        (12345678901.23, "12345678901.23"),
    ],
)
def test_spreadsheet_numbers_keep_the_decimal_that_was_typed(value: float, amount: str) -> None:
    assert exact_number(value) == Decimal(amount)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0.1 + 0.2, TOO_PRECISE),
        (1.005, TOO_PRECISE),
        (-5, NEGATIVE),
        (float("nan"), NOT_AN_AMOUNT),
        (float("inf"), NOT_AN_AMOUNT),
        (True, NOT_AN_AMOUNT),
        (1e16, TOO_LARGE),
    ],
)
def test_spreadsheet_numbers_that_are_not_exact_amounts_are_refused(
    value: float, reason: str
) -> None:
    with pytest.raises(AmountError) as caught:
        exact_number(value)

    assert caught.value.reason == reason


def test_canonical_text_has_two_places() -> None:
    assert canonical(Decimal("1250000")) == "1250000.00"
    assert canonical(Decimal("0.5")) == "0.50"


def test_share_is_exact_and_none_without_a_whole() -> None:
    assert share(Decimal("1"), Decimal("4")) == Decimal("0.25")
    assert share(Decimal("1"), Decimal("0")) is None


def test_amounts_and_shares_are_shown_in_indonesian(babel_app: Flask) -> None:
    with babel_app.test_request_context():
        assert rupiah(Decimal("1250000000.00")) == "Rp\u00a01.250.000.000"
        assert rupiah("1250.50") == "Rp\u00a01.250,50"
        assert rupiah(Decimal("-3000.00")) == "Rp\u00a0-3.000"
        assert percent(Decimal("0.4534")) == "45,3%"
        assert percent(None) == "—"


def test_bar_widths_stay_within_the_track() -> None:
    assert bar_width(Decimal("0.4534")) == "45.3"
    assert bar_width(Decimal("1.2")) == "100.0"
    assert bar_width(Decimal("-0.1")) == "0.0"
    assert bar_width(None) == "0.0"
