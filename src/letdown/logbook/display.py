"""How volumes are shown: in her unit, rounded the way a parent reads them."""

from __future__ import annotations

from letdown.accounts.models import ML_PER_OZ, Unit
from letdown.core import l10n


def to_ml(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * ML_PER_OZ if unit == Unit.OZ else value


def from_ml(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return round(value / ML_PER_OZ, 1) if unit == Unit.OZ else round(value)


def format_volume(ml: float | None, unit: str) -> str:
    value = from_ml(ml, unit)
    if value is None:
        return ""
    # The decimal mark is her locale's: 3.5 oz in English, 3,5 oz in German.
    if unit == Unit.OZ:
        return f"{l10n.format_number(value, 1, trim=True)} oz"
    return f"{value:.0f} mL"
