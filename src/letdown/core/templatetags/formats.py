"""Dates, times and numbers in templates, through the one formatter (core/l10n.py):
`{{ at|when }}` (18 Oct 2026, 14:05), `{{ day|day }}` or `{{ day|day:"weekday" }}`,
`{{ at|clock }}` (14:05 or 2:05 PM), `{{ x|number:1 }}`; and the language switch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from letdown.core import l10n

register = template.Library()


@register.filter
def when(value: dt.datetime | None, style: l10n.DateStyle = "medium") -> str:
    return "" if value is None else l10n.format_datetime(value, style)


@register.filter
def day(value: dt.date | dt.datetime | None, style: l10n.DateStyle = "medium") -> str:
    return "" if value is None else l10n.format_date(value, style)


@register.filter
def clock(value: dt.datetime | dt.time | None, seconds: bool = False) -> str:
    return "" if value is None else l10n.format_time(value, seconds=bool(seconds))


@register.filter
def number(value: float | None, decimals: int = 0) -> str:
    return "" if value is None else l10n.format_number(value, int(decimals))


@register.inclusion_tag("accounts/_language_switch.html", takes_context=True)
def language_switch(context: Any) -> dict[str, Any]:
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "language_names": list(l10n.LANGUAGE_NAMES.items()),
    }
