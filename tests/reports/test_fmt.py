from datetime import date
from decimal import Decimal

import pytest

from reports import fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (7, "7"), (1234, "1.234"), (1234567, "1.234.567"), (-1234, "\u22121.234"), (999.5, "1.000")],
)
def test_count(value, expected):
    assert fmt.count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.125, "12,5%"), (0, "0,0%"), (1, "100,0%"), (0.78, "78,0%"), (0.00049, "0,0%"), (0.12345, "12,3%")],
)
def test_share(value, expected):
    assert fmt.share(value) == expected


def test_euro_rounds_half_up_to_whole_euros():
    assert fmt.euro(Decimal("1234567.40")) == "€ 1.234.567"
    assert fmt.euro(Decimal("0.50")) == "€ 1"
    assert fmt.euro(0) == "€ 0"


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 9, 30), "30 september 2025"), (date(2024, 3, 1), "1 maart 2024"), (date(2025, 12, 31), "31 december 2025")],
)
def test_long_date(day, expected):
    assert fmt.long_date(day) == expected


def test_changes_carry_a_sign():
    assert fmt.cell(12, "delta_count") == "+12"
    assert fmt.cell(-3, "delta_count") == "\u22123"
    assert fmt.cell(0, "delta_count") == "0"
    assert fmt.cell(-0.03, "delta_pp") == "\u22123,0 procentpunt"
    assert fmt.cell(0.125, "delta_pp") == "+12,5 procentpunt"


def test_cell_dispatch_and_empty():
    assert fmt.cell(None, "count") == ""
    assert fmt.cell("geen opgave", "count") == "geen opgave"
    assert fmt.cell(1234.4, "index") == "1.234"
    assert fmt.cell(date(2026, 1, 1), "date") == "1 januari 2026"


def test_period_label():
    assert fmt.period_label("2025-Q3") == "3e kwartaal 2025"
