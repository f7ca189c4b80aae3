"""`{% allowed "members.manage" as can_manage %}`: the policy's answer in a template, for the
links and forms every page carries (the menu, a Learn article's comment form), so no one is
offered what they may not do."""

from __future__ import annotations

from typing import Any

from django import template

from letdown.accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: dict[str, Any], action: str) -> bool:
    request = context.get("request")
    return request is not None and policy.allows(request, action)
