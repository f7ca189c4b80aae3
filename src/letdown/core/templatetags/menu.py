"""Which place of "More" in the bottom menu a page belongs to, so the menu shows where she is
on the pages it leads to, not only on the one it names."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

LEARN_APPS = frozenset({"learn", "inside"})  # the model page is one of Learn's
SETTINGS_APPS = frozenset({"transfer", "reminders", "api_tokens"})
SETTINGS_PAGES = frozenset(
    {
        "household_settings",
        "member",
        "public_name",
        "password_change",
        "password_change_done",
        "shares",
    }
)


@register.simple_tag(takes_context=True)
def more_place(context: dict[str, Any]) -> str:
    """The page's place under "More": learn or settings, or "" for a page outside it."""
    here = context["request"].resolver_match
    if here is None:
        return ""
    if here.app_name in LEARN_APPS:
        return "learn"
    if here.app_name in SETTINGS_APPS or here.url_name in SETTINGS_PAGES:
        return "settings"
    return ""
