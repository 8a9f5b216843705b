"""Nice ticks, linear scales and number formatting."""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from composer.core.errors import SpecError
from composer.charts.numbers import format_delta, format_number
from composer.charts.scales import LinearScale, data_range, nice_ticks


def is_nice(step: float) -> bool:
    exp = math.floor(math.log10(step))
    mantissa = step / 10**exp
    # a step read back from ticks near 1e6 carries their float spacing (~2e-10): the same 1e-6 as the step check
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (0, 97, [0, 20, 40, 60, 80, 100]),
        (-37, 120, [-50, 0, 50, 100, 150]),
        (0, 0.034, [0, 0.01, 0.02, 0.03, 0.04]),
        (-5, -1, [-5, -4, -3, -2, -1]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ],
)
def test_known_ticks(lo, hi, expected):
    assert nice_ticks(lo, hi) == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-1e7, 1e7, allow_nan=False),
    st.floats(-1e7, 1e7, allow_nan=False),
    st.integers(2, 10),
)
@example(a=1920929.5, b=1920929.125, max_ticks=5)  # step 0.1 read back as 0.09999999986 from the ticks
def test_ticks_are_nice_and_cover_the_range(a, b, max_ticks):
    lo, hi = min(a, b), max(a, b)
    ticks = nice_ticks(lo, hi, max_ticks)
    assert ticks[0] <= lo + 1e-9 * max(1, abs(lo)) and ticks[-1] >= hi - 1e-9 * max(1, abs(hi))
    assert 2 <= len(ticks) <= max(max_ticks, 2 if lo * hi >= 0 else 3)
    steps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)
    assert is_nice(steps[0])


def test_zero_is_a_tick_when_the_range_crosses_it():
    assert 0.0 in nice_ticks(-37, 120)
    assert data_range([3, 8, None]) == (0.0, 8.0)
    assert data_range([-3, -8]) == (-8.0, 0.0)
    assert data_range([3, 8], include_zero=False) == (3.0, 8.0)
    assert data_range([None, None]) == (0.0, 0.0)


def test_linear_scale_maps_and_inverts_direction():
    y = LinearScale(0, 100, 400, 0)
    assert y(0) == 400 and y(100) == 0 and y(25) == 300
    assert y.clamp(-50) == 400


@pytest.mark.parametrize(
    "value, fmt, expected",
    [
        (1234567.891, None, "1,234,567.89"),
        (1234567, {"style": "plain", "separators": False}, "1234567"),
        (12345, "compact", "12.3K"),
        (4_500_000, "compact", "4.5M"),
        (42, "percent", "42%"),
        (42.5, {"style": "percent", "decimals": 1}, "42.5%"),
        (1234.5, "currency", "$1,234.50"),
        (1234, "currency", "$1,234"),
        (1234.5, {"style": "currency", "currency": "EUR", "locale": "de_DE"}, "1.234,50\u00a0€"),
        (1234.5, {"style": "plain", "locale": "de_DE", "decimals": 2}, "1.234,50"),
        (3, {"prefix": "~", "suffix": " days"}, "~3 days"),
    ],
)
def test_format_number(value, fmt, expected):
    assert format_number(value, fmt) == expected


def test_format_delta_is_signed_with_a_true_minus():
    assert format_delta(12.5, "percent") == "+12.5%"
    assert format_delta(-3400, "compact") == "\u22123.4K"
    assert format_delta(0) == "0"


def test_bad_formats_say_what_is_allowed():
    with pytest.raises(SpecError) as err:
        format_number(1, "money")
    assert str(err.value) == "format.style: unknown number style 'money'; allowed: plain | percent | currency | compact"
    with pytest.raises(SpecError) as err:
        format_number(1, {"locale": "xx_YY"})
    assert str(err.value) == "format.locale: unknown locale 'xx_YY'; use a CLDR name such as en_US or de_DE"
