"""Moderation of reader comments in Django's admin (staff only): approve, mark as spam, or
delete (the admin's own delete action). The only place a commenter's email is shown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Comment, CommentStatus


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    # A member's comment carries her account instead of an email.
    list_display = ("excerpt", "name", "email", "author", "article_slug", "status", "created_at")
    list_filter = ("status", "article_slug")
    search_fields = ("name", "email", "body")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("approve", "mark_spam")
    readonly_fields = ("article_slug", "parent", "author", "created_at", "moderated_at")
    fields = (
        "article_slug",
        "parent",
        "author",
        "name",
        "email",
        "website",
        "body",
        "status",
        "created_at",
        "moderated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Comments come from readers; moderators only judge them.
        return False

    def save_model(self, request: HttpRequest, obj: Comment, form: object, change: bool) -> None:
        if "status" in getattr(form, "changed_data", ()):
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    def _moderate(
        self, request: HttpRequest, queryset: QuerySet[Comment], status: CommentStatus
    ) -> None:
        changed = services.moderate(queryset, status=status, now=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d comment marked “%(status)s”.",
                "%(count)d comments marked “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": status.label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, CommentStatus.SPAM)
