"""Formatting for the report: weights in her unit, minutes, one decimal, a dash for none."""

from __future__ import annotations

from django import template

from letdown.core.units import format_change, format_weight

register = template.Library()


@register.filter
def weight(grams: float | None, unit: str) -> str:
    return format_weight(grams, unit) or "–"


@register.filter
def weight_change(grams: float | None, unit: str) -> str:
    return format_change(grams, unit) or "–"


@register.filter
def minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{round(seconds / 60)}"


@register.filter
def one_decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
