"""The pure statistics core of Insights: plain records plus `now` and her time zone in, plain
results out (the charts are drawn from them by `letdown.insights.charts`). It imports nothing
from Django."""

from .core import compute_insights
from .records import FeedRecord, LeakRecord, SessionRecord
from .results import SCHEMA_VERSION, Insights

__all__ = [
    "SCHEMA_VERSION",
    "FeedRecord",
    "Insights",
    "LeakRecord",
    "SessionRecord",
    "compute_insights",
]
