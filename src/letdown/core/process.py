"""Set-up for a long-lived server process, once the app is loaded."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def prepare_server_process() -> None:
    """Import every view now, then move everything loaded so far out of the garbage
    collector's sight.

    What a server process loads at start (Django, every view, numpy, statsmodels) lives as long
    as the process. Left in the collector's oldest generation, it was scanned in full now and
    then: a pause in the middle of a request (`bench/bench_choices.py` times one). Frozen
    (`gc.freeze`), only what requests create is scanned; frozen before the server forks its
    workers, it also stays shared between them instead of being copied on write.
    """
    get_resolver().url_patterns  # noqa: B018 (imports the URL modules and their views)
    gc.collect()
    gc.freeze()
