"""The "Leave a reply" form: the comment, a name and an email (a member gives neither: her
public name is asked for once, and her account stands for the email), an optional website, a
honeypot field that people never see, and the comment it replies to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import User
from letdown.core.forms import VisibleCharField

from .models import (
    BODY_MAX_CHARS,
    EMAIL_MAX_CHARS,
    NAME_MAX_CHARS,
    WEBSITE_MAX_CHARS,
    Comment,
    CommentStatus,
)

HONEYPOT_FIELD = "leave_empty"


class HoneypotInput(forms.TextInput):
    """A text input that form templates treat as hidden: rendered without a label, moved off
    screen by learn.css and skipped by the Tab key. Bots filling every input fill it too."""

    is_hidden = True

    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off", "tabindex": "-1", "aria-hidden": "true"})


class CommentForm(forms.ModelForm[Comment]):
    body = VisibleCharField(
        label=_("Comment"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Please write your comment."),
            "max_length": _(
                "Please keep your comment under %(limit_value)s characters (it has %(show_value)s)."
            ),
        },
    )
    name = VisibleCharField(
        label=_("Name"),
        max_length=NAME_MAX_CHARS,
        help_text=_("Shown with your comment."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Please enter your name (a first name is fine)."),
            "max_length": _("Please keep your name under %(limit_value)s characters."),
        },
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_CHARS,
        help_text=_("Never shown to anyone except the moderators."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address. It is never published."),
            "invalid": _("Please enter an email address such as name@example.com."),
        },
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        max_length=WEBSITE_MAX_CHARS,
        assume_scheme="https",
        # Only web links: a "javascript:" or "data:" address must never become a link.
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={
            "invalid": _(
                "Please enter a web address such as https://example.com, or leave it empty."
            ),
            "max_length": _("Please keep the web address under %(limit_value)s characters."),
        },
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    leave_empty = forms.CharField(
        required=False, label=_("Leave this field empty"), widget=HoneypotInput()
    )

    class Meta:
        model = Comment
        fields = ("body", "name", "email", "website")

    def __init__(
        self, *args: Any, article_slug: str, member: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.article_slug = article_slug
        self.member = member
        if member is None:
            return
        # A member is known by her account: no email to give. Her account name is private,
        # so the name shown is the public name she chose, asked for once and then remembered.
        del self.fields["email"]
        if member.public_name:
            del self.fields["name"]
            return
        name = self.fields["name"]
        name.label = _("Name shown with your comment")
        name.help_text = _(
            "Anyone can read it, so a first name or a nickname is enough: your account name is "
            "never shown. It is kept for your next comments; change it in Settings."
        )
        name.widget.attrs["autocomplete"] = "nickname"
        name.error_messages["required"] = _(
            "Please choose a name to show with your comment (a first name or a nickname)."
        )

    @property
    def public_name(self) -> str:
        """The name the comment is shown with."""
        if "name" in self.fields:
            return str(self.cleaned_data["name"])
        assert self.member is not None
        return self.member.public_name

    @property
    def is_bot(self) -> bool:
        """True when the honeypot was filled in: a person never sees that field."""
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please write your comment."), code="required")
        return body.strip()

    def clean_parent(self) -> Comment | None:
        """The top-level comment this one replies to; a reply to a reply joins its thread."""
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = (
            Comment.objects.on_article(self.article_slug)
            .filter(pk=pk, status=CommentStatus.APPROVED)
            .select_related("parent")
            .first()
        )
        if parent is None:
            # The field is hidden, so its error is shown above the form, not next to it.
            self.add_error(
                None,
                _(
                    "The comment you are replying to is no longer shown. Your text is kept "
                    "below: post it as a new comment."
                ),
            )
            # Re-rendered without the stale reply target, so posting again makes a new comment.
            data = dict(self.data.items())
            data["parent"] = ""
            self.data = data
            return None
        return parent.parent or parent
