"""The routine's part of the Logbook's session screen, and small display filters."""

from __future__ import annotations

from typing import Any

from django import template

from letdown.logbook.models import Session

from ..forms import format_duration
from ..selectors import live_step

register = template.Library()


@register.inclusion_tag("routines/_live_step_body.html", takes_context=True)
def routine_live_step(context: template.Context, session: Session) -> dict[str, Any]:
    # An inclusion tag starts a fresh context: hand the page's CSRF token to its forms.
    return {**live_step(session), "csrf_token": context.get("csrf_token")}


@register.filter
def duration(seconds: float | None) -> str:
    return "" if seconds is None else format_duration(seconds)
