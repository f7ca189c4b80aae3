"""Small formatting filters: times into a session and volumes in her unit."""

from __future__ import annotations

from django import template

from letdown.logbook.display import format_volume
from letdown.logbook.facts import format_offset

register = template.Library()


@register.filter
def offset(seconds: float | None) -> str:
    return "" if seconds is None else format_offset(seconds)


@register.filter
def volume(ml: float | None, unit: str) -> str:
    return format_volume(ml, unit)


@register.filter
def since(seconds: float | None) -> str:
    """'2 h 05 min' for a time since something."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
