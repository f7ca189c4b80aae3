"""Units and durations, one of each: volumes and weights in her unit (mL and grams, or
ounces), and the two ways a time is shown (a clock into a session, a duration in words).

Values are stored in mL, grams and seconds; these turn them into what she reads and back.
`unit` is a household's unit, "ml" or "oz" (`accounts.models.Unit`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from letdown.core import l10n

OZ = "oz"
ML_PER_OZ = 29.5735  # US fluid ounce
G_PER_OZ = 28.349523125  # avoirdupois ounce


# --- volumes ----------------------------------------------------------------------------------


def to_ml(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * ML_PER_OZ if unit == OZ else value


def from_ml(value: float | None, unit: str) -> float | None:
    """As a parent reads it: whole mL, or ounces to 0.1."""
    if value is None:
        return None
    return round(value / ML_PER_OZ, 1) if unit == OZ else round(value)


def format_volume(ml: float | None, unit: str) -> str:
    value = from_ml(ml, unit)
    if value is None:
        return ""
    # The decimal mark is her locale's: 3.5 oz in English, 3,5 oz in German.
    if unit == OZ:
        return f"{l10n.format_number(value, 1, trim=True)} oz"
    return f"{value:.0f} mL"


# --- weights ----------------------------------------------------------------------------------


def weight_unit(unit: str) -> str:
    return "oz" if unit == OZ else "g"


def to_g(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * G_PER_OZ if unit == OZ else value


def from_g(grams: float | None, unit: str) -> float | None:
    """As she enters it: whole grams, or ounces to 0.1 (a 2 g / 0.1 oz scale)."""
    if grams is None:
        return None
    return round(grams / G_PER_OZ, 1) if unit == OZ else round(grams)


def format_weight(grams: float | None, unit: str) -> str:
    if grams is None:
        return ""
    if unit == OZ:
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
    if unit == OZ:
        return f"{l10n.format_number(value, 1, sign=True)} oz"
    return f"{value:+.0f} g"


# --- durations --------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    """1:42, 12:05, 1:02:03: how a parent reads a time into a session."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: float) -> str:
    """45 s, 1 min 25 s, 2 min, 1 h 5 min: a duration in words (seconds dropped from an hour)."""
    total = round(seconds)
    if total < 60:
        return _("%(seconds)d s") % {"seconds": total}
    if total < 3600:
        minutes, rest = divmod(total, 60)
        if rest == 0:
            return _("%(minutes)d min") % {"minutes": minutes}
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}
    hours, minutes = divmod(round(total / 60), 60)
    if minutes == 0:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
