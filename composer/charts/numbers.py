"""Number formatting for stats, value labels and ticks, through Babel's CLDR data.

Babel is used even without a locale (en_US then) so separators, currency symbols and compact
forms ("12.3K") come from one well-kept source instead of hand-written tables.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Mapping

from babel import Locale, UnknownLocaleError
from babel import numbers as babel_numbers

from composer.core.errors import SpecError

__all__ = ["NumberFormat", "format_delta", "format_number", "observing"]

STYLES = ("plain", "percent", "currency", "compact")
DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class NumberFormat:
    """How to write a number: style plain|percent|currency|compact, decimals, currency, locale."""

    style: str = "plain"
    decimals: int | None = None  # None: as many as needed, up to 2 (compact: 1)
    currency: str = "USD"
    locale: str | None = None
    prefix: str = ""
    suffix: str = ""
    separators: bool = True  # thousands separators

    @classmethod
    def parse(cls, value: Any, path: str = "format") -> "NumberFormat":
        """Accept None, a style name ("compact") or a mapping of the fields above."""
        if value is None:
            return cls()
        if isinstance(value, NumberFormat):
            return value
        if isinstance(value, str):
            value = {"style": value}
        if not isinstance(value, Mapping):
            raise SpecError(f"expected a style name or a mapping, got {value!r}", path=path)
        unknown = sorted(set(value) - set(cls.__dataclass_fields__))
        if unknown:
            allowed = ", ".join(cls.__dataclass_fields__)
            raise SpecError(f"unknown key {unknown[0]!r}; allowed: {allowed}", path=path)
        fmt = cls(**dict(value))
        if fmt.style not in STYLES:
            allowed = " | ".join(STYLES)
            raise SpecError(
                f"unknown number style {fmt.style!r}; allowed: {allowed}", path=f"{path}.style"
            )
        if fmt.decimals is not None and not (0 <= fmt.decimals <= 10):
            raise SpecError(f"decimals must be 0 to 10, got {fmt.decimals}", path=f"{path}.decimals")
        _locale(fmt.locale, path)
        return fmt


def _locale(name: str | None, path: str = "format") -> Locale:
    try:
        return Locale.parse(name or DEFAULT_LOCALE)
    except (UnknownLocaleError, ValueError, TypeError):
        raise SpecError(f"unknown locale {name!r}; use a CLDR name such as en_US or de_DE",
                        path=f"{path}.locale") from None


def _pattern(decimals: int | None, separators: bool, default_max: int = 2) -> str:
    head = "#,##0" if separators else "0"
    if decimals is None:
        return head + "." + "#" * default_max
    return head + ("." + "0" * decimals if decimals else "")


_SEEN: ContextVar[list[tuple[float, str]] | None] = ContextVar("placard_numbers_seen", default=None)


@contextmanager
def observing() -> Iterator[list[tuple[float, str]]]:
    """Record (value, style) of every spec value formatted inside the block (the percent-of-fractions check)."""
    seen: list[tuple[float, str]] = []
    token = _SEEN.set(seen)
    try:
        yield seen
    finally:
        _SEEN.reset(token)


def format_number(value: float, fmt: NumberFormat | str | Mapping | None = None, *, observe: bool = True) -> str:
    """Format `value`; percent takes percentage points (42 -> "42%"), as people write them in YAML.

    `observe=False` for numbers Placard computed itself (ticks, shares), which the spec's values check skips.
    """
    seen = _SEEN.get()
    if seen is not None and observe:
        seen.append((float(value), NumberFormat.parse(fmt).style))
    with decimal.localcontext() as ctx:
        ctx.prec = 400  # babel quantizes in the current context; 28 digits fail past 1e28 (floats reach 1.8e308)
        return _format_number(value, fmt)


def _format_number(value: float, fmt: NumberFormat | str | Mapping | None = None) -> str:
    fmt = NumberFormat.parse(fmt)
    locale = _locale(fmt.locale)
    if fmt.style == "percent":
        body = babel_numbers.format_percent(
            value / 100, format=_pattern(fmt.decimals, fmt.separators, 1) + "%", locale=locale
        )
    elif fmt.style == "currency":
        pattern = locale.currency_formats["standard"].pattern.split(";")[0]
        digits = fmt.decimals
        if digits is None:
            digits = 0 if float(value).is_integer() else 2
        number = _pattern(digits, fmt.separators)
        pattern = pattern.replace("#,##0.00", number)
        body = babel_numbers.format_currency(
            value, fmt.currency, format=pattern, locale=locale, currency_digits=False
        )
    elif fmt.style == "compact":
        digits = 1 if fmt.decimals is None else fmt.decimals
        body = babel_numbers.format_compact_decimal(value, locale=locale, fraction_digits=digits)
    else:
        body = babel_numbers.format_decimal(
            value, format=_pattern(fmt.decimals, fmt.separators), locale=locale
        )
    return f"{fmt.prefix}{body}{fmt.suffix}"


def format_delta(value: float, fmt: NumberFormat | str | Mapping | None = None) -> str:
    """Like format_number but always signed: "+12%", "−3.4K" (a true minus sign)."""
    body = format_number(abs(value), fmt)
    if value > 0:
        return "+" + body
    if value < 0:
        return "\u2212" + body
    return body
