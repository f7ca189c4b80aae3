"""Small formatting filters: times into a session and volumes in her unit."""

from __future__ import annotations

from collections.abc import Container, Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from letdown.core.units import clock, format_volume
from letdown.logbook.selectors import Entry

register = template.Library()


@register.filter
def offset(seconds: float | None) -> str:
    return "" if seconds is None else clock(seconds)


@register.filter
def volume(ml: float | None, unit: str) -> str:
    return format_volume(ml, unit)


@register.simple_tag
def history_entries(entries: Iterable[Entry], changeable: Container[str]) -> SafeString:
    """A day's entries as list items, escaped by format_html. Done in Python: a heavy day has
    dozens of entries and the template engine's per-variable cost showed in the benchmark.
    An entry whose page is only a form to change it is linked only when its url is in
    `changeable` (the view asks the policy)."""
    linked = (
        '<li class="entry {}"><a href="{}"><span class="time">{}</span> '
        '<span class="what">{}</span></a>{}</li>'
    )
    plain = '<li class="entry {}"><span class="time">{}</span> <span class="what">{}</span>{}</li>'
    return mark_safe(  # noqa: S308 - every part below is escaped by format_html
        "\n".join(
            format_html(plain, e.css, e.time, e.title, _details(e))
            if e.form_only and e.url not in changeable
            else format_html(linked, e.css, e.url, e.time, e.title, _details(e))
            for e in entries
        )
    )


def _details(entry: Entry) -> SafeString:
    return format_html_join("", '<span class="ld">{}</span>', ((line,) for line in entry.details))
