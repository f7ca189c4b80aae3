"""Formatting filters for the Insights page: durations, rate ratios and shares, in words a
parent reads at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from letdown.insights import words
from letdown.logbook.models import Kind

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """45 s, 1 min 25 s, 2 min, 1 h 5 min; a dash when there is no value."""
    return "–" if seconds is None else words.duration(seconds)


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


@register.filter
def kind_label(kind: str) -> str:
    """A session kind's name, as the logbook shows it ("Pumping")."""
    return str(Kind(kind).label) if kind in Kind.values else kind


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    """mapping[key], or None: the words of one curve or factor, found by its slug."""
    return mapping.get(key)
