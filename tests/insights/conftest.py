"""Insights' words and chart ticks written outside a request (the pure tests) take the formats
of an English household in Europe: day before month, 24 hours, as the tests spell them."""

from collections.abc import Iterator

import pytest

from letdown.core import l10n


@pytest.fixture(autouse=True)
def _european_english_formats() -> Iterator[None]:
    with l10n.override(l10n.Formats("en_GB", "24")):
        yield
