"""How volumes are shown: in her unit, rounded the way a parent reads them."""

from __future__ import annotations

from letdown.accounts.models import ML_PER_OZ, Unit


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
    return f"{value:g} oz" if unit == Unit.OZ else f"{value:.0f} mL"
