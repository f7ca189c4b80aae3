"""Her choices on the "Inside your let-down" page in words, in her language ("quite
stressed"), and the cited studies' findings translated: the model (reflex/explainer.py) keeps
numbers and English source text; the words are the page's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


def anxiety_words(anxiety: float) -> str:
    if anxiety <= 0.05:
        return pgettext("stress during a session", "calm")
    if anxiety < 0.45:
        return _("a little stressed")
    if anxiety < 0.75:
        return _("quite stressed")
    return _("very stressed")


def _cry(seconds: float) -> str:
    if seconds < 90:
        n = round(seconds)
        return ngettext(
            "heard the baby cry for %(n)d second before",
            "heard the baby cry for %(n)d seconds before",
            n,
        ) % {"n": n}
    n = round(seconds / 60)
    return ngettext(
        "heard the baby cry for %(n)d minute before",
        "heard the baby cry for %(n)d minutes before",
        n,
    ) % {"n": n}


def choices_in_words(choices: dict[str, Any]) -> dict[str, str]:
    """Each choice as a plain phrase, by choice name (the shipped table's `choices`)."""
    weeks = float(choices["weeks_postpartum"])
    compress = float(choices["warm_compress_min"])
    cry = float(choices["baby_cry_s"])
    return {
        "kind": _("baby at the breast")
        if choices["kind"] == "breastfeed"
        else _("pumping both sides"),
        "anxiety": anxiety_words(float(choices["anxiety"])),
        "warm_compress_min": (
            ngettext(
                "a %(n)d-minute warm compress before",
                "a %(n)d-minute warm compress before",
                round(compress),
            )
            % {"n": round(compress)}
            if compress
            else _("no warm compress")
        ),
        "baby_cry_s": _cry(cry) if cry else _("did not hear the baby cry before"),
        "weeks_postpartum": (
            _("in the first days after the birth")
            if weeks < 1
            else ngettext("%(n)d week after the birth", "%(n)d weeks after the birth", round(weeks))
            % {"n": round(weeks)}
        ),
        "lactation": _("first baby")
        if int(choices["lactation_number"]) == 1
        else _("has breastfed before"),
    }


def finding_text(text: str) -> str:
    """A finding in her language: the model marks each text with gettext_noop, so the
    catalogues hold them; the shipped table keeps the English it was built with."""
    return _(text)
