"""Formatting figures and reading the numbers a quote states."""
from decimal import Decimal

from hypothesis import given, strategies as st

from explainer.numbers import format_value, is_year, numbers_in, states


def test_formats_counts_percentages_and_approximations():
    assert format_value(2914, "people") == "2,914"
    assert format_value(1.22, "percent") == "1.22%"
    assert format_value(30000, "people", approximate=True) == "about 30,000"
    assert format_value(89.0, "percent", decimals=1) == "89.0%"
    assert format_value(3.0, "percentage-points", decimals=1) == "3.0 percentage points"


def test_reads_digits_with_separators_and_decimals():
    assert {Decimal("2914"), Decimal("1.22"), Decimal("10985")} <= numbers_in("2,914 and 1.22 percent of 10,985")


def test_reads_korean_ten_thousands():
    found = numbers_in("누적 탈북민 수는 총 3만 4314명(남 9568명·여 2만 4746명)")
    assert Decimal("34314") in found and Decimal("24746") in found
    assert Decimal("34538") in numbers_in("2만4천 538명") | numbers_in("3만4천538명")


def test_states_compares_values_not_spellings():
    assert states("women were 89.0% of arrivals", 89)
    assert states("about five times higher", 5)
    assert not states("211 held jobs", 212)
    assert not states("2,914 in 2009", 291)


def test_years_are_four_digit_numbers_in_range():
    assert is_year("2009") and not is_year("2,009") and not is_year("1234") and not is_year("211")


@given(st.integers(min_value=0, max_value=10**9))
def test_every_formatted_count_is_read_back(value):
    assert states(format_value(value, "people"), value)


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_every_formatted_percentage_is_read_back(value):
    assert states(format_value(float(value), "percent", decimals=2), float(value))
