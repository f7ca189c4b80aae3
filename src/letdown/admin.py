"""The admin site: Django's own, with the number of comments waiting for moderation on its
index page, so a moderator sees at a glance whether there is work (mail or no mail)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from letdown.learn import selectors
from letdown.learn.models import CommentStatus


class LetdownAdminSite(admin.AdminSite):
    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = dict(extra_context or {})
        if request.user.has_perm("learn.view_comment"):
            context["comments_awaiting_moderation"] = selectors.comments_awaiting_moderation()
            context["comments_awaiting_moderation_url"] = (
                reverse("admin:learn_comment_changelist", current_app=self.name)
                + f"?status__exact={CommentStatus.PENDING}"
            )
        return super().index(request, extra_context=context)
