"""Form fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms

from .text import has_visible_text


class VisibleCharField(forms.CharField):
    """Text that counts only if something of it can be seen: spaces and invisible characters
    alone (a zero-width space, a Hangul filler) are empty, so a required field asks again and
    an optional one stores nothing."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value not in self.empty_values and not has_visible_text(value):
            return self.empty_value
        return value
