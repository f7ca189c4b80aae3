"""The routine's part of the Logbook's session screen, and small display filters."""

from __future__ import annotations

from django import template

from letdown.core import units

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    return "" if seconds is None else units.duration(seconds)
