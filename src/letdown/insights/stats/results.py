"""The results of the Insights core: a tree of frozen dataclasses, one per page section.
The selector caches the tree as it is (the cache pickles it).

Results hold numbers, statuses and slugs only: the sentences a parent reads are written from
them on the Django side (`letdown.insights.words`), through gettext, so they can be translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# Bump when the shape of the results changes, so a cache of an older shape is recomputed.
SCHEMA_VERSION = 6

# Minimum sessions *with a let-down* on each side of a comparison before a number is shown.
MIN_SESSIONS_WITH_LETDOWN_PER_GROUP = 5


def leaves_out_one(lower: float | None, upper: float | None) -> bool:
    """Whether a rate ratio's interval leaves out 1 (no difference): a clear difference."""
    return lower is not None and upper is not None and (lower > 1.0 or upper < 1.0)


@dataclass(frozen=True)
class TimeEstimate:
    """A time with its 95 % interval; None means not reached (or not estimable) yet."""

    value_s: float | None
    lower_s: float | None
    upper_s: float | None


@dataclass(frozen=True)
class CurvePoint:
    """One step of a Kaplan–Meier curve, as the share of sessions that had let down by then."""

    time_s: float
    letdown_share: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class FirstLetdownCurve:
    kind: str
    n_sessions: int
    n_censored: int
    points: tuple[CurvePoint, ...]
    median: TimeEstimate
    reference_time_s: float
    share_by_reference_time: float | None


@dataclass(frozen=True)
class FirstLetdownSection:
    curves: tuple[FirstLetdownCurve, ...]
    # Every kind together over her last 7 local days, today included: the figure home shows,
    # from the same function.
    recent_days: int
    recent_n_sessions: int
    recent_median_s: float | None


@dataclass(frozen=True)
class FactorEffect:
    """One technique, trigger or context compared with its absence (or a reference group)."""

    slug: str
    group: str  # "aid" | "time_of_day" | "anxiety"
    # The group it is compared with: None for "without it"; for a time band, the slug of her
    # most common band (e.g. "time_morning").
    reference: str | None
    n_with: int
    n_without: int
    n_with_letdown: int
    n_without_letdown: int
    median_with_s: float | None
    median_without_s: float | None
    status: str  # "estimated" | "not_enough_sessions" | "not_estimable"
    # False when the ratio comes from a model of this factor alone (too few sessions yet to
    # weigh it against the others); the session kind is always accounted for.
    adjusted_for_other_factors: bool
    hazard_ratio: float | None
    hazard_ratio_lower: float | None
    hazard_ratio_upper: float | None
    more_needed_with: int
    more_needed_without: int

    @property
    def clear(self) -> bool:
        """The interval leaves out 1: a difference that survives the Bonferroni widening."""
        return leaves_out_one(self.hazard_ratio_lower, self.hazard_ratio_upper)


@dataclass(frozen=True)
class WhatHelpsSection:
    n_sessions: int
    window_sessions: int
    minimum_per_group: int
    # Factors with enough sessions to be estimated: each interval is widened (Bonferroni) so
    # that all of them hold together at 95 %, or one of many chance differences looks clear.
    n_compared: int
    interval_confidence: float  # the level of each interval: 1 - 0.05 / n_compared
    factors: tuple[FactorEffect, ...]
    clearest: str | None  # slug of the clear factor with the largest effect, if any


@dataclass(frozen=True)
class AnxietyPoint:
    anxiety: int
    time_s: float
    let_down: bool


@dataclass(frozen=True)
class AnxietyLevel:
    anxiety: int
    n_sessions: int
    n_censored: int
    median_s: float | None
    quartile_1_s: float | None
    quartile_3_s: float | None


@dataclass(frozen=True)
class AnxietySection:
    n_sessions: int
    n_with_letdown: int
    points: tuple[AnxietyPoint, ...]
    levels: tuple[AnxietyLevel, ...]
    # Sessions after anxiety of 5 or more against 0-4: the `anxiety_high` factor of the
    # what-helps model (None when no session has a score).
    high: FactorEffect | None


@dataclass(frozen=True)
class CountBin:
    count: int  # the last bin counts this many or more
    n_sessions: int


@dataclass(frozen=True)
class LetdownCounts:
    kind: str
    n_sessions: int
    mean_count: float | None
    bins: tuple[CountBin, ...]


@dataclass(frozen=True)
class IntervalBin:
    start_s: float
    end_s: float | None  # None: open-ended last bin
    n_intervals: int


@dataclass(frozen=True)
class VolumeByCount:
    letdown_count: int  # the last group counts this many or more
    n_sessions: int
    median_left_ml: float | None
    median_right_ml: float | None
    median_total_ml: float | None


@dataclass(frozen=True)
class LetdownsSection:
    counts: tuple[LetdownCounts, ...]
    n_intervals: int
    interval_median_s: float | None
    interval_quartile_1_s: float | None
    interval_quartile_3_s: float | None
    interval_bins: tuple[IntervalBin, ...]
    volume_by_count: tuple[VolumeByCount, ...]
    volume_rank_correlation: float | None
    volume_p_value: float | None
    n_pumping_with_volume: int
    mean_count: float | None


@dataclass(frozen=True)
class WeekBin:
    first_week: int
    last_week: int
    n_sessions: int
    n_censored: int
    median: TimeEstimate


@dataclass(frozen=True)
class LactationComparison:
    first_week: int
    last_week: int
    n_current: int
    n_earlier: int
    median_current_s: float | None
    median_earlier_s: float | None
    status: str  # "estimated" | "not_enough_sessions" | "not_estimable"
    hazard_ratio: float | None
    hazard_ratio_lower: float | None
    hazard_ratio_upper: float | None

    @property
    def clear(self) -> bool:
        return leaves_out_one(self.hazard_ratio_lower, self.hazard_ratio_upper)


@dataclass(frozen=True)
class OverTimeSection:
    current_weeks: tuple[WeekBin, ...]
    earlier_weeks: tuple[WeekBin, ...]
    comparison: LactationComparison | None
    # Her first and latest week bins with a median, and whether let-down came "sooner",
    # "later" or "unclear" between them (intervals that do not overlap); "none" with fewer
    # than two such bins.
    change: str
    trend_first: WeekBin | None
    trend_last: WeekBin | None


@dataclass(frozen=True)
class LeakWeek:
    week_start: date  # her local date: Monday, or her locale's first day of the week
    n_days: int
    n_leaks: int
    leaks_per_day: float
    n_feed_intervals: int
    interval_median_min: float | None
    interval_iqr_min: float | None
    interval_cv: float | None


@dataclass(frozen=True)
class LeaksSection:
    weeks: tuple[LeakWeek, ...]
    n_leaks: int
    rank_correlation: float | None  # leaks per day against the spread of feed intervals
    p_value: float | None
    # Her first and her last two weeks (None before there are four weeks).
    early_leaks_per_day: float | None
    recent_leaks_per_day: float | None
    early_cv: float | None
    recent_cv: float | None


@dataclass(frozen=True)
class HourBin:
    hour: int  # her local clock hour, 0..23
    n_feeds: int
    n_pumping_sessions: int


@dataclass(frozen=True)
class NextFeed:
    predicted_at: datetime | None
    earliest_at: datetime | None
    latest_at: datetime | None
    n_intervals: int
    # Why there is no prediction: "no_feeds", "no_recent_feed", "few_intervals" or "overdue".
    reason: str | None


@dataclass(frozen=True)
class RhythmSection:
    window_days: int
    n_days: int
    n_feeds: int
    n_pumping_sessions: int
    hours: tuple[HourBin, ...]
    busiest_hour: int | None  # the local hour with the most feeds
    next_feed: NextFeed


@dataclass(frozen=True)
class PumpSwitchSection:
    switch_time_s: float | None
    lower_s: float | None
    upper_s: float | None
    n_sessions: int
    n_censored: int
    minimum_sessions: int
    reason: str | None  # "few_sessions" or "not_reached" when there is no switch time


@dataclass(frozen=True)
class Insights:
    computed_at: datetime
    time_zone: str
    n_sessions: int
    n_running: int
    first_letdown: FirstLetdownSection
    what_helps: WhatHelpsSection
    anxiety: AnxietySection
    letdowns: LetdownsSection
    over_time: OverTimeSection
    leaks: LeaksSection
    rhythm: RhythmSection
    pump_switch: PumpSwitchSection
