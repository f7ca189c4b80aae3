"""Weights in her unit: grams and kilograms for mL, pounds and ounces for oz (0.1 oz)."""

from __future__ import annotations

from letdown.accounts.models import Unit
from letdown.core import l10n

G_PER_OZ = 28.349523125


def weight_unit(unit: str) -> str:
    return "oz" if unit == Unit.OZ else "g"


def to_g(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * G_PER_OZ if unit == Unit.OZ else value


def from_g(grams: float | None, unit: str) -> float | None:
    """As she enters it: whole grams, or ounces to 0.1 (a 2 g / 0.1 oz scale)."""
    if grams is None:
        return None
    return round(grams / G_PER_OZ, 1) if unit == Unit.OZ else round(grams)


def format_weight(grams: float | None, unit: str) -> str:
    if grams is None:
        return ""
    if unit == Unit.OZ:
        tenths = round(grams / G_PER_OZ * 10)
        pounds, rest = divmod(tenths, 160)
        ounces = l10n.format_number(rest / 10, 1)  # 5.3 or 5,3 by her locale
        return f"{pounds} lb {ounces} oz" if pounds else f"{ounces} oz"
    return f"{round(grams):,} g".replace(",", "\u202f")


def format_change(grams: float | None, unit: str) -> str:
    """A difference (a weighed feed's intake), signed."""
    if grams is None:
        return ""
    value = from_g(grams, unit)
    assert value is not None
    if unit == Unit.OZ:
        return f"{l10n.format_number(value, 1, sign=True)} oz"
    return f"{value:+.0f} g"
