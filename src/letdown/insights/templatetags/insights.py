"""Formatting filters for the Insights page: durations, rate ratios and shares, in words a
parent reads at a glance."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """45 s, 1 min 25 s, 2 min, 1 h 5 min; a dash when there is no value."""
    if seconds is None:
        return "–"
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


@register.filter
def ratio(value: float | None) -> str:
    """A rate ratio as 1.6×; two decimals below 1 where the difference hides (0.85×)."""
    if value is None:
        return "–"
    text = f"{value:.2f}" if value < 1 else f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{text}×"


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{round(share * 100)} %"
