"""The plain-language sentences above each chart, built from numbers by small functions.

All English text of the core lives here so it can later be wrapped for translation in one
place. Wording never claims a cause: "sessions with X let down sooner", never "X works".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .results import FactorEffect

AID_LABELS = {
    "warm_drink": "a warm drink",
    "warm_compress": "a warm compress",
    "breast_massage": "breast massage",
    "hand_expression": "hand expression",
    "relaxing_music": "relaxing music",
    "imagery": "imagery",
    "breathing": "breathing exercises",
    "baby_cry": "the baby's cry recording",
    "baby_photo": "the baby's photo",
    "scent_cloth": "the baby's scent cloth",
    "skin_to_skin": "skin-to-skin contact",
    "baby_nearby": "the baby nearby",
}

KIND_LABELS = {
    "nursing": "nursing",
    "pumping": "pumping",
    "hand_expression": "hand expression",
}


def aid_label(slug: str) -> str:
    return AID_LABELS.get(slug, slug.replace("_", " "))


def format_duration(seconds: float | None) -> str:
    """45 s, 1 min 25 s, 2 min, 1 h 5 min; 'not reached' for None."""
    if seconds is None:
        return "not reached"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, rest = divmod(total, 60)
        return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"
    hours, rest = divmod(round(total / 60), 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest} min"


def format_percent(share: float) -> str:
    return f"{round(share * 100)} %"


def format_clock(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _singular_sessions(label: str) -> str:
    return label.replace("sessions", "session", 1)


# --- 1. Time to first let-down --------------------------------------------------------------


def first_letdown_curve_summary(
    *,
    kind: str,
    n_sessions: int,
    n_censored: int,
    reference_time_s: float,
    share_by_reference_time: float | None,
    median_s: float | None,
    median_lower_s: float | None,
    median_upper_s: float | None,
) -> str:
    kind_label = KIND_LABELS.get(kind, kind)
    if n_sessions == 0:
        return f"No finished {kind_label} sessions yet."
    if n_censored == n_sessions:
        return (
            f"None of your {plural(n_sessions, kind_label + ' session')} had a let-down logged yet."
        )
    parts = []
    if share_by_reference_time is not None:
        parts.append(
            f"By {format_duration(reference_time_s)}, {format_percent(share_by_reference_time)} "
            f"of your {kind_label} sessions had let down"
        )
    if median_s is not None:
        interval = ""
        if median_lower_s is not None and median_upper_s is not None:
            interval = (
                f" (95 % interval {format_duration(median_lower_s)} "
                f"to {format_duration(median_upper_s)})"
            )
        elif median_lower_s is not None:
            interval = f" (95 % interval from {format_duration(median_lower_s)})"
        parts.append(f"half had by {format_duration(median_s)}{interval}")
    else:
        parts.append("fewer than half had let down before they ended")
    return capitalise("; ".join(parts)) + "."


def first_letdown_section_summary(medians: dict[str, float | None], counts: dict[str, int]) -> str:
    known = {kind: median for kind, median in medians.items() if median is not None}
    if not any(counts.values()):
        return "No finished sessions yet: time to first let-down appears after your first one."
    if not known:
        return "Not enough let-downs logged yet to tell your usual time to first let-down."
    parts = [
        f"{KIND_LABELS.get(kind, kind)} {format_duration(value)}" for kind, value in known.items()
    ]
    return "Half of your sessions had let down by: " + ", ".join(parts) + "."


# --- 2. What seems to help ------------------------------------------------------------------


def factor_summary(
    *,
    status: str,
    sessions_with_label: str,
    sessions_without_label: str,
    median_with_s: float | None,
    median_without_s: float | None,
    hazard_ratio: float | None,
    hazard_ratio_lower: float | None,
    hazard_ratio_upper: float | None,
    more_needed_with: int,
    more_needed_without: int,
) -> str:
    medians = f"median {format_duration(median_with_s)} vs {format_duration(median_without_s)}"
    if status == "not_enough_sessions":
        needs = []
        if more_needed_with:
            needs.append(_needed(more_needed_with, sessions_with_label))
        if more_needed_without:
            needs.append(_needed(more_needed_without, sessions_without_label))
        return (
            "Not enough sessions yet: needs "
            + " and ".join(needs)
            + " (counting only sessions with a let-down)."
        )
    if status == "not_estimable" or hazard_ratio is None:
        return (
            f"{capitalise(sessions_with_label)} cannot be told apart yet from your other "
            f"factors, your stage or the ups and downs of the days ({medians})."
        )
    assert hazard_ratio_lower is not None and hazard_ratio_upper is not None
    if hazard_ratio_lower <= 1.0 <= hazard_ratio_upper:
        return (
            f"No clear difference yet between {sessions_with_label} and "
            f"{sessions_without_label} ({medians})."
        )
    direction = "sooner" if hazard_ratio > 1.0 else "later"
    return (
        f"{capitalise(sessions_with_label)} let down {direction} "
        f"than {sessions_without_label} ({medians})."
    )


def _needed(count: int, label: str) -> str:
    return f"{count} more {label if count != 1 else _singular_sessions(label)}"


def what_helps_summary(
    *, n_sessions: int, clearest_label: str | None, clearest_sooner: bool, n_estimated: int
) -> str:
    if n_sessions == 0:
        return "No finished sessions yet to compare what helps."
    if clearest_label is not None:
        direction = "sooner" if clearest_sooner else "later"
        return f"Clearest so far: {clearest_label} let down {direction}."
    if n_estimated:
        return "No technique or context shows a clear difference yet."
    return "Not enough sessions yet to compare what helps."


# --- 3. Anxiety -----------------------------------------------------------------------------


def anxiety_summary(*, status: str, high: FactorEffect | None) -> str:
    if high is None:
        return "No anxiety scores logged yet."
    if status == "not_enough_sessions":
        return (
            "Not enough sessions yet to compare anxiety before a session with time to let-down "
            "(counting only sessions with a let-down)."
        )
    if status == "not_estimable" or high.hazard_ratio is None:
        return "Anxiety before a session cannot be told apart from what else changed yet."
    if not high.clear:
        return "No clear link yet between anxiety before a session and time to let-down."
    if high.hazard_ratio < 1.0:
        return "Sessions that started more anxious (5 or more) tended to take longer to let down."
    return "Sessions that started more anxious (5 or more) tended to let down sooner."


# --- 4. Let-downs per session ---------------------------------------------------------------


def letdowns_summary(
    *,
    mean_count: float | None,
    interval_median_s: float | None,
    volume_rank_correlation: float | None,
    volume_p_value: float | None,
) -> str:
    if mean_count is None:
        return "No finished sessions yet."
    parts = [f"Your sessions had {mean_count:.1f} let-downs on average"]
    if interval_median_s is not None:
        parts.append(f"usually {format_duration(interval_median_s)} apart")
    sentence = ", ".join(parts) + "."
    if volume_rank_correlation is not None and volume_p_value is not None and volume_p_value < 0.05:
        more_or_less = "more" if volume_rank_correlation > 0 else "less"
        sentence += f" Pumping sessions with more let-downs gave {more_or_less} milk."
    return sentence


# --- 5. Over time ---------------------------------------------------------------------------


def week_range_label(first_week: int, last_week: int) -> str:
    if first_week == last_week:
        return f"week {first_week + 1}"
    return f"weeks {first_week + 1}–{last_week + 1}"


def over_time_summary(
    *,
    first_label: str | None,
    first_median_s: float | None,
    last_label: str | None,
    last_median_s: float | None,
    change: str,  # "sooner" | "later" | "unclear" | "none"
) -> str:
    if change == "none" or first_label is None or last_label is None:
        return "Not enough weeks with let-downs in this lactation yet to show a trend."
    medians = (
        f"median {format_duration(first_median_s)} in {first_label}, "
        f"{format_duration(last_median_s)} in {last_label}"
    )
    if change == "sooner":
        return f"Your let-downs have come sooner over the weeks ({medians})."
    if change == "later":
        return f"Your let-downs have come later over the weeks ({medians})."
    return f"No clear change over the weeks yet ({medians})."


def lactation_comparison_summary(
    *,
    status: str,
    weeks_label: str,
    median_current_s: float | None,
    median_earlier_s: float | None,
    hazard_ratio: float | None,
    hazard_ratio_lower: float | None,
    hazard_ratio_upper: float | None,
) -> str:
    medians = (
        f"median {format_duration(median_current_s)} now vs "
        f"{format_duration(median_earlier_s)} before"
    )
    if status != "estimated" or hazard_ratio is None:
        return f"Not enough sessions yet to compare {weeks_label} with your earlier lactation."
    assert hazard_ratio_lower is not None and hazard_ratio_upper is not None
    if hazard_ratio_lower <= 1.0 <= hazard_ratio_upper:
        return f"In {weeks_label}, no clear difference yet from your earlier lactation ({medians})."
    direction = "sooner" if hazard_ratio > 1.0 else "later"
    return (
        f"In {weeks_label}, sessions in this lactation let down {direction} than "
        f"at the same weeks before ({medians})."
    )


# --- 6. Leaks and feed regularity -----------------------------------------------------------


def leaks_summary(
    *,
    n_leaks: int,
    n_weeks: int,
    early_leaks_per_day: float | None,
    recent_leaks_per_day: float | None,
    early_cv: float | None,
    recent_cv: float | None,
) -> str:
    if n_weeks == 0:
        return "Nothing logged in this lactation yet."
    if n_leaks == 0:
        return "No leaks logged in this lactation."
    if n_weeks < 4 or early_leaks_per_day is None or recent_leaks_per_day is None:
        return f"{plural(n_leaks, 'leak')} logged so far; the trend shows after a few weeks."
    sentence = (
        f"Leaks: {early_leaks_per_day:.1f} a day in your first two weeks, "
        f"{recent_leaks_per_day:.1f} a day in the last two"
    )
    if early_cv is not None and recent_cv is not None:
        sentence += (
            f"; your feed intervals varied by {format_percent(early_cv)} around their average "
            f"then, {format_percent(recent_cv)} now"
        )
    return sentence + "."


# --- 7. Rhythm ------------------------------------------------------------------------------


def rhythm_summary(*, n_feeds: int, n_days: int, busiest_hour: int | None, window_days: int) -> str:
    if n_feeds == 0 or n_days == 0 or busiest_hour is None:
        return f"No feeds logged in the last {window_days} days."
    per_day = n_feeds / n_days
    return (
        f"Over the last {plural(n_days, 'day')} you fed about {per_day:.1f} times a day, "
        f"most often between {busiest_hour:02d}:00 and {(busiest_hour + 1) % 24:02d}:00."
    )


def next_feed_summary(
    *,
    predicted_at: datetime | None,
    earliest_at: datetime | None,
    latest_at: datetime | None,
    n_intervals: int,
    reason: str | None,
    tz: ZoneInfo,
) -> str:
    if predicted_at is None or earliest_at is None or latest_at is None:
        return f"No prediction of the next feed: {reason}."
    return (
        f"Next feed likely around {format_clock(predicted_at, tz)} "
        f"(between {format_clock(earliest_at, tz)} and {format_clock(latest_at, tz)}), "
        f"from {plural(n_intervals, 'interval')} of yours at this time of day."
    )


# --- 8. Pump switch time --------------------------------------------------------------------


def pump_switch_summary(*, switch_time_s: float | None, reason: str | None, n_sessions: int) -> str:
    if switch_time_s is None:
        return f"No pump switch time yet: {reason}."
    return (
        f"By {format_duration(switch_time_s)}, 3 in 4 of your last "
        f"{plural(n_sessions, 'pumping session')} had let down: this is your pump switch time."
    )
