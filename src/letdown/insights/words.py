"""The sentences of the Insights page, written from the core's numbers, statuses and slugs
through gettext, so every one of them can be translated.

Wording never claims a cause: "sessions with X let down sooner", never "X works". Each
function takes results and returns text in the active language; `page_words` gathers what the
page shows, once per request (a few hundred microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from letdown.core import l10n, units
from letdown.logbook.models import Aid

from .stats.results import (
    AnxietySection,
    FactorEffect,
    FirstLetdownCurve,
    FirstLetdownSection,
    Insights,
    LactationComparison,
    LeaksSection,
    LetdownsSection,
    NextFeed,
    OverTimeSection,
    PumpSwitchSection,
    RhythmSection,
    WhatHelpsSection,
)
from .stats.what_helps import ANXIETY_HIGH_FROM, TIME_BANDS


def duration(seconds: float | None) -> str:
    """45 s, 1 min 25 s, 2 min, 1 h 5 min; 'not reached' for None."""
    return _("not reached") if seconds is None else units.duration(seconds)


def percent(share: float) -> str:
    return _("%(percent)d %%") % {"percent": round(share * 100)}


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def kind_name(kind: str) -> str:
    """A session kind as it reads inside a sentence ("your pumping sessions")."""
    names = {
        "nursing": pgettext("session kind in a sentence", "nursing"),
        "pumping": pgettext("session kind in a sentence", "pumping"),
        "hand_expression": pgettext("session kind in a sentence", "hand expression"),
    }
    return names.get(kind, kind.replace("_", " "))


def _aid_in_sentence(slug: str) -> str:
    """An aid as it reads after "sessions with"."""
    names = {
        "warm_drink": pgettext("sessions with", "a warm drink"),
        "warm_compress": pgettext("sessions with", "a warm compress"),
        "breast_massage": pgettext("sessions with", "breast massage"),
        "hand_expression": pgettext("sessions with", "hand expression"),
        "relaxing_music": pgettext("sessions with", "relaxing music"),
        "imagery": pgettext("sessions with", "imagery"),
        "breathing": pgettext("sessions with", "breathing exercises"),
        "baby_cry": pgettext("sessions with", "the baby's cry recording"),
        "baby_photo": pgettext("sessions with", "the baby's photo"),
        "scent_cloth": pgettext("sessions with", "the baby's scent cloth"),
        "skin_to_skin": pgettext("sessions with", "skin-to-skin contact"),
        "baby_nearby": pgettext("sessions with", "the baby nearby"),
    }
    return names.get(slug, slug.replace("_", " "))


def _band(slug: str) -> tuple[str, str]:
    """A time band's name and its hours, from its factor slug (time_<name>)."""
    names = {
        "night": pgettext("time of day", "night"),
        "morning": pgettext("time of day", "morning"),
        "afternoon": pgettext("time of day", "afternoon"),
        "evening": pgettext("time of day", "evening"),
    }
    name = slug.removeprefix("time_")
    start, end = next((start, end) for band, start, end in TIME_BANDS if band == name)
    hours = (l10n.format_time(time(start)), l10n.format_time(time(end % 24)))
    return names[name], "–".join(hours)


def factor_name(factor: FactorEffect) -> str:
    """The short name of a comparison, as a row of the chart shows it."""
    if factor.group == "time_of_day" and factor.reference is not None:
        return _("%(band)s vs %(reference)s") % {
            "band": _capitalise(_band(factor.slug)[0]),
            "reference": _band(factor.reference)[0],
        }
    if factor.group == "anxiety":
        return _("Anxiety %(high)d+ vs 0–%(low)d") % {
            "high": ANXIETY_HIGH_FROM,
            "low": ANXIETY_HIGH_FROM - 1,
        }
    return str(Aid(factor.slug).label) if factor.slug in Aid.values else factor.slug


def sessions_with(factor: FactorEffect, count: int = 2) -> str:
    """ "sessions with a warm compress", "night sessions (00:00–06:00)", …; `count` picks the
    singular or plural ("1 more session with …")."""
    if factor.group == "time_of_day":
        name, hours = _band(factor.slug)
        return ngettext("%(band)s session (%(hours)s)", "%(band)s sessions (%(hours)s)", count) % {
            "band": name,
            "hours": hours,
        }
    if factor.group == "anxiety":
        return ngettext(
            "session after anxiety %(high)d or more",
            "sessions after anxiety %(high)d or more",
            count,
        ) % {"high": ANXIETY_HIGH_FROM}
    return ngettext("session with %(aid)s", "sessions with %(aid)s", count) % {
        "aid": _aid_in_sentence(factor.slug)
    }


def sessions_without(factor: FactorEffect, count: int = 2) -> str:
    if factor.group == "time_of_day" and factor.reference is not None:
        name, hours = _band(factor.reference)
        return ngettext("%(band)s session (%(hours)s)", "%(band)s sessions (%(hours)s)", count) % {
            "band": name,
            "hours": hours,
        }
    if factor.group == "anxiety":
        return ngettext(
            "session after anxiety 0–%(low)d", "sessions after anxiety 0–%(low)d", count
        ) % {"low": ANXIETY_HIGH_FROM - 1}
    return ngettext("session without %(aid)s", "sessions without %(aid)s", count) % {
        "aid": _aid_in_sentence(factor.slug)
    }


# --- 1. Time to first let-down --------------------------------------------------------------


def curve_summary(curve: FirstLetdownCurve) -> str:
    kind = kind_name(curve.kind)
    if curve.n_sessions == 0:
        return _("No finished %(kind)s sessions yet.") % {"kind": kind}
    if curve.n_censored == curve.n_sessions:
        return ngettext(
            "Your %(n)d %(kind)s session had no let-down logged yet.",
            "None of your %(n)d %(kind)s sessions had a let-down logged yet.",
            curve.n_sessions,
        ) % {"n": curve.n_sessions, "kind": kind}
    parts = []
    if curve.share_by_reference_time is not None:
        parts.append(
            _("By %(time)s, %(share)s of your %(kind)s sessions had let down")
            % {
                "time": duration(curve.reference_time_s),
                "share": percent(curve.share_by_reference_time),
                "kind": kind,
            }
        )
    median = curve.median
    if median.value_s is None:
        parts.append(_("fewer than half had let down before they ended"))
    elif median.lower_s is not None and median.upper_s is not None:
        parts.append(
            _("half had by %(median)s (95 %% interval %(lower)s to %(upper)s)")
            % {
                "median": duration(median.value_s),
                "lower": duration(median.lower_s),
                "upper": duration(median.upper_s),
            }
        )
    elif median.lower_s is not None:
        parts.append(
            _("half had by %(median)s (95 %% interval from %(lower)s)")
            % {"median": duration(median.value_s), "lower": duration(median.lower_s)}
        )
    else:
        parts.append(_("half had by %(median)s") % {"median": duration(median.value_s)})
    if len(parts) == 1:
        return _capitalise(parts[0]) + "."
    return _capitalise(_("%(first)s; %(second)s.") % {"first": parts[0], "second": parts[1]})


def first_letdown_summary(section: FirstLetdownSection) -> str:
    if not any(curve.n_sessions for curve in section.curves):
        return _("No finished sessions yet: time to first let-down appears after your first one.")
    known = [curve for curve in section.curves if curve.median.value_s is not None]
    if not known:
        return _("Not enough let-downs logged yet to tell your usual time to first let-down.")
    medians = ", ".join(
        _("%(kind)s %(median)s")
        % {"kind": kind_name(curve.kind), "median": duration(curve.median.value_s)}
        for curve in known
    )
    return _("Half of your sessions had let down by: %(medians)s.") % {"medians": medians}


# --- 2. What seems to help ------------------------------------------------------------------


def factor_summary(factor: FactorEffect) -> str:
    with_, without = sessions_with(factor), sessions_without(factor)
    medians = _("median %(with)s vs %(without)s") % {
        "with": duration(factor.median_with_s),
        "without": duration(factor.median_without_s),
    }
    if factor.status == "not_enough_sessions":
        needs = [
            _("%(n)d more %(group)s") % {"n": n, "group": group(factor, n)}
            for n, group in (
                (factor.more_needed_with, sessions_with),
                (factor.more_needed_without, sessions_without),
            )
            if n
        ]
        return _(
            "Not enough sessions yet: needs %(needs)s (counting only sessions with a let-down)."
        ) % {"needs": _(" and ").join(needs)}
    if factor.status == "not_estimable" or factor.hazard_ratio is None:
        return _(
            "%(with)s cannot be told apart yet from your other factors, your stage or the ups "
            "and downs of the days (%(medians)s)."
        ) % {"with": _capitalise(with_), "medians": medians}
    if not factor.clear:
        return _("No clear difference yet between %(with)s and %(without)s (%(medians)s).") % {
            "with": with_,
            "without": without,
            "medians": medians,
        }
    if factor.hazard_ratio > 1.0:
        sentence = _("%(with)s let down sooner than %(without)s (%(medians)s).")
    else:
        sentence = _("%(with)s let down later than %(without)s (%(medians)s).")
    return sentence % {"with": _capitalise(with_), "without": without, "medians": medians}


def what_helps_summary(section: WhatHelpsSection) -> str:
    if section.n_sessions == 0:
        return _("No finished sessions yet to compare what helps.")
    clearest = next((f for f in section.factors if f.slug == section.clearest), None)
    if clearest is not None:
        if (clearest.hazard_ratio or 0.0) > 1.0:
            return _("Clearest so far: %(with)s let down sooner.") % {
                "with": sessions_with(clearest)
            }
        return _("Clearest so far: %(with)s let down later.") % {"with": sessions_with(clearest)}
    if any(factor.status == "estimated" for factor in section.factors):
        return _("No technique or context shows a clear difference yet.")
    return _("Not enough sessions yet to compare what helps.")


# --- 3. Anxiety -----------------------------------------------------------------------------


def anxiety_summary(section: AnxietySection) -> str:
    high = section.high
    if high is None:
        return _("No anxiety scores logged yet.")
    if high.status == "not_enough_sessions":
        return _(
            "Not enough sessions yet to compare anxiety before a session with time to let-down "
            "(counting only sessions with a let-down)."
        )
    if high.status == "not_estimable" or high.hazard_ratio is None:
        return _("Anxiety before a session cannot be told apart from what else changed yet.")
    if not high.clear:
        return _("No clear link yet between anxiety before a session and time to let-down.")
    if high.hazard_ratio < 1.0:
        return _(
            "Sessions that started more anxious (%(high)d or more) tended to take longer to let "
            "down."
        ) % {"high": ANXIETY_HIGH_FROM}
    return _("Sessions that started more anxious (%(high)d or more) tended to let down sooner.") % {
        "high": ANXIETY_HIGH_FROM
    }


# --- 4. Let-downs per session ---------------------------------------------------------------


def letdowns_summary(section: LetdownsSection) -> str:
    if section.mean_count is None:
        return _("No finished sessions yet.")
    if section.interval_median_s is None:
        sentence = _("Your sessions had %(mean).1f let-downs on average.") % {
            "mean": section.mean_count
        }
    else:
        sentence = _(
            "Your sessions had %(mean).1f let-downs on average, usually %(gap)s apart."
        ) % {
            "mean": section.mean_count,
            "gap": duration(section.interval_median_s),
        }
    rho, p_value = section.volume_rank_correlation, section.volume_p_value
    if rho is not None and p_value is not None and p_value < 0.05:
        if rho > 0:
            sentence += " " + _("Pumping sessions with more let-downs gave more milk.")
        else:
            sentence += " " + _("Pumping sessions with more let-downs gave less milk.")
    return sentence


# --- 5. Over time ---------------------------------------------------------------------------


def week_range(first_week: int, last_week: int) -> str:
    """Weeks counted from 1, as she counts them."""
    if first_week == last_week:
        return _("week %(week)d") % {"week": first_week + 1}
    return _("weeks %(first)d–%(last)d") % {"first": first_week + 1, "last": last_week + 1}


def over_time_summary(section: OverTimeSection) -> str:
    first, last = section.trend_first, section.trend_last
    if section.change == "none" or first is None or last is None:
        return _("Not enough weeks with let-downs in this lactation yet to show a trend.")
    medians = _("median %(first_median)s in %(first)s, %(last_median)s in %(last)s") % {
        "first_median": duration(first.median.value_s),
        "first": week_range(first.first_week, first.last_week),
        "last_median": duration(last.median.value_s),
        "last": week_range(last.first_week, last.last_week),
    }
    if section.change == "sooner":
        return _("Your let-downs have come sooner over the weeks (%(medians)s).") % {
            "medians": medians
        }
    if section.change == "later":
        return _("Your let-downs have come later over the weeks (%(medians)s).") % {
            "medians": medians
        }
    return _("No clear change over the weeks yet (%(medians)s).") % {"medians": medians}


def comparison_summary(comparison: LactationComparison) -> str:
    weeks = week_range(comparison.first_week, comparison.last_week)
    if comparison.status != "estimated" or comparison.hazard_ratio is None:
        return _("Not enough sessions yet to compare %(weeks)s with your earlier lactation.") % {
            "weeks": weeks
        }
    values = {
        "weeks": weeks,
        "medians": _("median %(now)s now vs %(before)s before")
        % {
            "now": duration(comparison.median_current_s),
            "before": duration(comparison.median_earlier_s),
        },
    }
    if not comparison.clear:
        return (
            _("In %(weeks)s, no clear difference yet from your earlier lactation (%(medians)s).")
            % values
        )
    if comparison.hazard_ratio > 1.0:
        return (
            _(
                "In %(weeks)s, sessions in this lactation let down sooner than at the same weeks "
                "before (%(medians)s)."
            )
            % values
        )
    return (
        _(
            "In %(weeks)s, sessions in this lactation let down later than at the same weeks before "
            "(%(medians)s)."
        )
        % values
    )


# --- 6. Leaks and feed regularity -----------------------------------------------------------


def leaks_summary(section: LeaksSection) -> str:
    if not section.weeks:
        return _("Nothing logged in this lactation yet.")
    if section.n_leaks == 0:
        return _("No leaks logged in this lactation.")
    early, recent = section.early_leaks_per_day, section.recent_leaks_per_day
    if early is None or recent is None:
        return ngettext(
            "%(n)d leak logged so far; the trend shows after a few weeks.",
            "%(n)d leaks logged so far; the trend shows after a few weeks.",
            section.n_leaks,
        ) % {"n": section.n_leaks}
    values = {"early": early, "recent": recent}
    if section.early_cv is None or section.recent_cv is None:
        return (
            _(
                "Leaks: %(early).1f a day in your first two weeks, %(recent).1f a day in the "
                "last two."
            )
            % values
        )
    return _(
        "Leaks: %(early).1f a day in your first two weeks, %(recent).1f a day in the last two; "
        "your feed intervals varied by %(early_cv)s around their average then, %(recent_cv)s now."
    ) % {**values, "early_cv": percent(section.early_cv), "recent_cv": percent(section.recent_cv)}


# --- 7. Rhythm ------------------------------------------------------------------------------


def rhythm_summary(section: RhythmSection) -> str:
    if not section.n_feeds or not section.n_days or section.busiest_hour is None:
        return ngettext(
            "No feeds logged in the last %(days)d day.",
            "No feeds logged in the last %(days)d days.",
            section.window_days,
        ) % {"days": section.window_days}
    return ngettext(
        "Over the last %(days)d day you fed about %(per_day).1f times a day, most often between "
        "%(start)s and %(end)s.",
        "Over the last %(days)d days you fed about %(per_day).1f times a day, most often between "
        "%(start)s and %(end)s.",
        section.n_days,
    ) % {
        "days": section.n_days,
        "per_day": section.n_feeds / section.n_days,
        "start": f"{section.busiest_hour:02d}:00",
        "end": f"{(section.busiest_hour + 1) % 24:02d}:00",
    }


def next_feed_summary(next_feed: NextFeed, tz: ZoneInfo) -> str:
    predicted, earliest, latest = next_feed.predicted_at, next_feed.earliest_at, next_feed.latest_at
    if predicted is None or earliest is None or latest is None:
        reasons = {
            "no_feeds": _("No prediction of the next feed: no feeds logged yet."),
            "no_recent_feed": _(
                "No prediction of the next feed: no feed logged in the last 12 hours."
            ),
            "few_intervals": _(
                "No prediction of the next feed: too few of your feed intervals at this time of "
                "day in the last weeks."
            ),
            "overdue": _(
                "No prediction of the next feed: it has already been longer than most of your "
                "intervals at this time of day."
            ),
        }
        return reasons.get(next_feed.reason or "", _("No prediction of the next feed."))
    return ngettext(
        "Next feed likely around %(at)s (between %(earliest)s and %(latest)s), from %(n)d "
        "interval of yours at this time of day.",
        "Next feed likely around %(at)s (between %(earliest)s and %(latest)s), from %(n)d "
        "intervals of yours at this time of day.",
        next_feed.n_intervals,
    ) % {
        "at": _clock(predicted, tz),
        "earliest": _clock(earliest, tz),
        "latest": _clock(latest, tz),
        "n": next_feed.n_intervals,
    }


def _clock(moment: datetime, tz: ZoneInfo) -> str:
    return l10n.format_time(moment, tz=tz)


# --- 8. Pump switch time --------------------------------------------------------------------


def pump_switch_summary(section: PumpSwitchSection) -> str:
    if section.switch_time_s is None:
        if section.reason == "few_sessions":
            return ngettext(
                "No pump switch time yet: %(n)d finished pumping session so far, %(minimum)d are "
                "needed.",
                "No pump switch time yet: %(n)d finished pumping sessions so far, %(minimum)d "
                "are needed.",
                section.n_sessions,
            ) % {"n": section.n_sessions, "minimum": section.minimum_sessions}
        return _(
            "No pump switch time yet: fewer than 3 in 4 of your recent pumping sessions let down "
            "before they ended."
        )
    return ngettext(
        "By %(time)s, 3 in 4 of your last %(n)d pumping session had let down: this is your pump "
        "switch time.",
        "By %(time)s, 3 in 4 of your last %(n)d pumping sessions had let down: this is your "
        "pump switch time.",
        section.n_sessions,
    ) % {"time": duration(section.switch_time_s), "n": section.n_sessions}


# --- The page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorWords:
    """A comparison of what helps with its name and its sentence."""

    effect: FactorEffect
    name: str
    summary: str


@dataclass(frozen=True)
class PageWords:
    first_letdown: str
    curves: dict[str, str]  # by kind
    what_helps: str
    factors: tuple[FactorWords, ...]
    anxiety: str
    letdowns: str
    over_time: str
    comparison: str | None
    leaks: str
    rhythm: str
    next_feed: str
    pump_switch: str


def page_words(insights: Insights, tz: ZoneInfo) -> PageWords:
    comparison = insights.over_time.comparison
    return PageWords(
        first_letdown=first_letdown_summary(insights.first_letdown),
        curves={curve.kind: curve_summary(curve) for curve in insights.first_letdown.curves},
        what_helps=what_helps_summary(insights.what_helps),
        factors=tuple(
            FactorWords(effect=factor, name=factor_name(factor), summary=factor_summary(factor))
            for factor in insights.what_helps.factors
        ),
        anxiety=anxiety_summary(insights.anxiety),
        letdowns=letdowns_summary(insights.letdowns),
        over_time=over_time_summary(insights.over_time),
        comparison=None if comparison is None else comparison_summary(comparison),
        leaks=leaks_summary(insights.leaks),
        rhythm=rhythm_summary(insights.rhythm),
        next_feed=next_feed_summary(insights.rhythm.next_feed, tz),
        pump_switch=pump_switch_summary(insights.pump_switch),
    )
