"""The model against published figures. The figures are data (`targets.toml`: source, page or
table, n, mean, spread, and whether each is for calibration or held out for validation); this
module computes the model's value for each from seeded cohorts and compares."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .days import Schedule, simulate_days
from .model import ejection_durations_s, nan_median, simulate, simulate_many
from .mother import Mother, sample_mothers
from .parameters import PARAMETERS, Parameters
from .scenario import Scenario

DEFAULT_MOTHERS = 600
DEFAULT_SEED = 2024
TARGETS_PATH = Path(__file__).with_name("targets.toml")
SETS = ("calibration", "validation")


@dataclass(frozen=True)
class Target:
    """One published figure, as written in `targets.toml`."""

    id: str
    set: str
    kind: str
    name: str
    source: str
    where: str
    low: float
    high: float
    tolerance: str
    n: int = 0
    mean: float = math.nan
    spread: float = math.nan
    spread_kind: str = "none"

    @property
    def published(self) -> str:
        if self.kind == "direction" or not math.isfinite(self.mean):
            return self.where
        spread = (
            ""
            if self.spread_kind in ("none", "range")
            else f" ({self.spread_kind} {self.spread:g})"
        )
        n = f", n = {self.n}" if self.n else ""
        return f"{self.mean:g}{spread}{n}"


def load_targets(path: Path = TARGETS_PATH) -> list[Target]:
    """Every target in the file, checked: known set and kind, low <= high, unique ids."""
    with path.open("rb") as file:
        rows = tomllib.load(file)["target"]
    targets = [Target(**row) for row in rows]
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise ValueError("target ids must be unique")
    for t in targets:
        if t.set not in SETS or t.kind not in ("quantitative", "direction"):
            raise ValueError(f"{t.id}: unknown set {t.set!r} or kind {t.kind!r}")
        if not t.low <= t.high:
            raise ValueError(f"{t.id}: low > high")
    return targets


@dataclass(frozen=True)
class Check:
    """One published figure and the model's value for it."""

    name: str
    source: str
    published: str
    model: float
    low: float
    high: float
    tolerance: str
    id: str = ""
    set: str = "validation"
    kind: str = "direction"

    @property
    def passed(self) -> bool:
        return math.isfinite(self.model) and self.low <= self.model <= self.high


class Cohorts:
    """Simulated cohorts, each computed once per run, all from one seed and one parameter set."""

    def __init__(self, n_mothers: int, seed: int, parameters: Parameters = PARAMETERS) -> None:
        self.n_mothers = n_mothers
        self.seed = seed
        self.parameters = parameters
        self._mothers: dict[tuple[tuple[str, object], ...], list[Mother]] = {}
        self._results: dict[tuple[object, ...], dict[str, np.ndarray]] = {}

    def mothers(self, **overrides: object) -> list[Mother]:
        key = tuple(sorted(overrides.items()))
        if key not in self._mothers:
            self._mothers[key] = sample_mothers(
                self.n_mothers, self.seed, self.parameters, **overrides
            )
        return self._mothers[key]

    def run(
        self, scenario: Scenario | str, run_seed: int = 0, **overrides: object
    ) -> dict[str, np.ndarray]:
        """`scenario` may be "whole_feed": a breastfeed each baby ends when she has had
        enough, with appetites that differ from feed to feed."""
        key = (scenario, run_seed, tuple(sorted(overrides.items())))
        if key not in self._results:
            mothers = self.mothers(**overrides)
            scenarios: Scenario | list[Scenario]
            if scenario == "whole_feed":
                scenarios = whole_feeds(len(mothers), self.seed, self.parameters)
            else:
                assert isinstance(scenario, Scenario)
                scenarios = scenario
            self._results[key] = simulate_many(
                mothers, scenarios, self.seed + 1 + run_seed, self.parameters
            )
        return self._results[key]


def whole_feeds(n: int, seed: int, p: Parameters = PARAMETERS) -> list[Scenario]:
    """Whole breastfeeds (at most 30 min): the baby comes off when she has had enough. Her
    appetite differs from feed to feed (assumed spread), so a feed's intake can follow how much
    milk its let-downs bring, as Ramsay 2004 found."""
    rng = np.random.default_rng(seed + 7919)
    sd = p.baby_appetite_sd_log
    appetites = np.clip(p.baby_appetite_ml * rng.lognormal(-sd * sd / 2, sd, n), 10.0, 400.0)
    return [
        Scenario(
            kind="breastfeed",
            duration_s=1800.0,
            baby_stops_when_full=True,
            baby_appetite_ml=float(a),
        )
        for a in appetites
    ]


BREASTFEED = "whole_feed"
BREASTFEED_20_MIN = Scenario(kind="breastfeed", duration_s=1200.0)
PUMP_AT_COMFORT = Scenario(kind="pump", duration_s=900.0, vacuum_at_comfort=True)
SOFTER_VACUUM_MMHG = 125.0
ACUTE_STRESS = 0.7  # our anxiety level for mental arithmetic or noise during a feed (mapping)
CRY_BEFORE_LATCH_S = 600.0
FEEDS_PER_DAY = 8.0
# The trials of music in mothers of babies in neonatal care: some anxiety (assumed).
NICU_PUMP = Scenario(kind="pump", duration_s=900.0, vacuum_at_comfort=True, anxiety=0.3)


def _share(mask: np.ndarray) -> float:
    return float(np.mean(mask)) if mask.size else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _mean(result: dict[str, np.ndarray], name: str) -> float:
    return float(result[name].mean())


def _felt_shares(result: dict[str, np.ndarray]) -> tuple[float, float]:
    started = np.isfinite(result["ejection_start_s"])
    felt = result["ejection_felt"]
    return _share(felt[:, 0][started[:, 0]]), _share(felt[:, 2:][started[:, 2:]])


def _flow_by_order(result: dict[str, np.ndarray]) -> float:
    three = result["n_ejections"] >= 3
    flows = result["ejection_peak_flow_ml_s"][three]
    later = flows[:, 2:][np.isfinite(result["ejection_start_s"][three][:, 2:])]
    return _ratio(float(flows[:, 0].mean()), float(later.mean())) if later.size else math.nan


def _synchrony(result: dict[str, np.ndarray]) -> float:
    return _ratio(float(result["n_side_onsets_paired"].sum()), float(result["n_side_onsets"].sum()))


def _pulses_in_session(result: dict[str, np.ndarray]) -> float:
    """Pulses as Ueda 1994 counted them: seen in plasma sampled every 2 minutes."""
    return float((result["n_pulses"] - result["n_pulses_before_start"]).mean())


def _gain(with_change: dict[str, np.ndarray], without: dict[str, np.ndarray]) -> float:
    return _ratio(_mean(with_change, "milk_ml"), _mean(without, "milk_ml")) - 1.0


def _oxytocin_falls_between_bursts(c: Cohorts) -> float:
    """Share of mothers with two or more bursts whose oxytocin falls by at least a fifth from its
    first peak before the second burst (pulsatile, not tonic)."""
    falls = []
    feeds = whole_feeds(40, c.seed, c.parameters)
    for index, mother in enumerate(c.mothers()[:40]):
        result = simulate(mother, feeds[index], c.seed + index, c.parameters)
        if len(result.burst_s) < 2:
            continue
        first, second = result.burst_s[0], result.burst_s[1]
        between = result.oxytocin_uU_ml[(result.t_s >= first) & (result.t_s < second)]
        falls.append(between.min() <= 0.8 * between.max())
    return _share(np.array(falls))


def _daily_milk(c: Cohorts, days: float) -> float:
    """24-h milk as 8 whole breastfeeds at this stage of the lactation."""
    return FEEDS_PER_DAY * _mean(c.run(BREASTFEED, days_postpartum=days), "milk_ml")


def _music_change(c: Cohorts, **helps: bool) -> float:
    """Change in expressed milk from day 1 to day 6 with a help at every session, over the
    change without it (SefidHaji 2022's outcome)."""

    def change(scenario: Scenario) -> float:
        return _mean(c.run(scenario, days_postpartum=6.0), "milk_ml") - _mean(
            c.run(scenario, days_postpartum=1.0), "milk_ml"
        )

    helped = dataclasses.replace(NICU_PUMP, **helps)  # type: ignore[arg-type]
    return _ratio(change(helped), change(NICU_PUMP))


def _interval_r_same_mothers(c: Cohorts) -> float:
    a, b = c.run(PUMP_AT_COMFORT), c.run(PUMP_AT_COMFORT, run_seed=1)
    return float(np.corrcoef(a["n_ejections"], b["n_ejections"])[0, 1])


def _stress_pump(**extra: float) -> Scenario:
    return Scenario(kind="pump", duration_s=300.0, anxiety=1.0, **extra)  # type: ignore[arg-type]


def _warm(c: Cohorts) -> float:
    warmed = c.run(
        dataclasses.replace(PUMP_AT_COMFORT, warm_compress_min=20.0, warm_compress_side="left")
    )
    return _ratio(_mean(warmed, "milk_left_ml"), _mean(warmed, "milk_right_ml"))


def _days(c: Cohorts) -> tuple[float, float]:
    return _day_ratios(c.seed, c.parameters)


Metric = Callable[[Cohorts], float]

METRICS: dict[str, Metric] = {
    "ramsay2004_me_per_breastfeed": lambda c: _mean(c.run(BREASTFEED), "n_ejections"),
    "ramsay2004_me_sd": lambda c: float(c.run(BREASTFEED)["n_ejections"].std()),
    "ramsay2004_intake_vs_mes": lambda c: float(
        np.corrcoef(c.run(BREASTFEED)["n_ejections"], c.run(BREASTFEED)["milk_ml"])[0, 1] ** 2
    ),
    "ramsay2004_first_felt": lambda c: _felt_shares(c.run(BREASTFEED))[0],
    "ramsay2004_later_felt": lambda c: _felt_shares(c.run(BREASTFEED))[1],
    "gardner2015_me_duration": lambda c: _share(
        (lambda d: (d >= 45.0) & (d <= 210.0))(ejection_durations_s(c.run(PUMP_AT_COMFORT)))
    ),
    "gardner2015_first_me_earlier": lambda c: _ratio(
        nan_median(c.run(BREASTFEED)["first_ejection_s"]),
        nan_median(c.run(PUMP_AT_COMFORT)["first_ejection_s"]),
    ),
    "gardner2015_duration_same": lambda c: _ratio(
        float(np.median(ejection_durations_s(c.run(BREASTFEED)))),
        float(np.median(ejection_durations_s(c.run(PUMP_AT_COMFORT)))),
    ),
    "kent2008_me_pump": lambda c: _mean(c.run(PUMP_AT_COMFORT), "n_ejections"),
    "kent2008_milk_pump": lambda c: _mean(c.run(PUMP_AT_COMFORT), "milk_ml"),
    "kent2006_share_per_feed": lambda c: (
        100.0 * float(np.mean(c.run(BREASTFEED)["milk_ml"] / c.run(BREASTFEED)["available_ml"]))
    ),
    "kent2008_share_removed": lambda c: (
        100.0
        * float(np.mean(c.run(PUMP_AT_COMFORT)["milk_ml"] / c.run(PUMP_AT_COMFORT)["available_ml"]))
    ),
    "kent2008_softer_vacuum_milk": lambda c: _ratio(
        _mean(c.run(Scenario(kind="pump", vacuum_mmHg=SOFTER_VACUUM_MMHG)), "milk_ml"),
        _mean(c.run(PUMP_AT_COMFORT), "milk_ml"),
    ),
    "kent2008_first_flow_higher": lambda c: _flow_by_order(c.run(PUMP_AT_COMFORT)),
    "prime2009_synchrony": lambda c: 100.0 * _synchrony(c.run(PUMP_AT_COMFORT)),
    "prime2011_same_mother": _interval_r_same_mothers,
    "prime2011_pattern_over_months": lambda c: _ratio(
        _mean(c.run(PUMP_AT_COMFORT, days_postpartum=365.0), "n_ejections"),
        _mean(c.run(PUMP_AT_COMFORT), "n_ejections"),
    ),
    "prime2012_simultaneous_mes": lambda c: _ratio(
        _mean(c.run(PUMP_AT_COMFORT), "n_ejections"),
        _mean(c.run(dataclasses.replace(PUMP_AT_COMFORT, simultaneous=False)), "n_ejections"),
    ),
    "prime2012_simultaneous_milk": lambda c: _ratio(
        _mean(c.run(PUMP_AT_COMFORT), "milk_ml"),
        _mean(c.run(dataclasses.replace(PUMP_AT_COMFORT, simultaneous=False)), "milk_ml"),
    ),
    "jcem1986_oxytocin_suckling": lambda c: _mean(c.run(BREASTFEED), "mean_oxytocin_uU_ml"),
    "jcem1986_peaks_in_range": lambda c: _share(
        (lambda p: (p >= 5.0) & (p <= 23.0))(c.run(BREASTFEED)["peak_oxytocin_uU_ml"])
    ),
    "mcneilly1983_pulsatile": _oxytocin_falls_between_bursts,
    "mcneilly1983_release_before_latch": lambda c: _share(
        c.run(Scenario(kind="breastfeed", baby_cry_s=CRY_BEFORE_LATCH_S))["n_bursts_before_start"]
        > 0
    ),
    "mcneilly1983_minutes_before_latch": lambda c: (
        -nan_median(
            (lambda r: r["first_burst_s"][r["n_bursts_before_start"] > 0])(
                c.run(Scenario(kind="breastfeed", baby_cry_s=CRY_BEFORE_LATCH_S))
            )
        )
        / 60.0
    ),
    "mcneilly1983_second_release": lambda c: _share(
        (lambda r: r["n_bursts"] > r["n_bursts_before_start"])(
            c.run(Scenario(kind="breastfeed", baby_cry_s=CRY_BEFORE_LATCH_S))
        )
    ),
    "mcneilly1983_no_prolactin_before": lambda c: float(
        np.percentile(
            c.run(Scenario(kind="breastfeed", baby_cry_s=CRY_BEFORE_LATCH_S))[
                "prolactin_max_before_start_rel"
            ],
            95,
        )
    ),
    "noel1974_prolactin_rise": lambda c: float(
        np.median(c.run(Scenario(kind="breastfeed", duration_s=1800.0))["prolactin_peak_rel"])
    ),
    "noel1974_prolactin_peak_time": lambda c: (
        float(np.median(c.run(Scenario(kind="breastfeed", duration_s=1800.0))["prolactin_peak_s"]))
        / 60.0
    ),
    "ueda1994_pulses_calm": lambda c: _pulses_in_session(c.run(BREASTFEED_20_MIN)),
    "ueda1994_pulses_arithmetic": lambda c: _pulses_in_session(
        c.run(dataclasses.replace(BREASTFEED_20_MIN, anxiety=ACUTE_STRESS))
    ),
    "ueda1994_pulses_noise": lambda c: _pulses_in_session(
        c.run(dataclasses.replace(BREASTFEED_20_MIN, anxiety=ACUTE_STRESS))
    ),
    "ueda1994_milk_yield": lambda c: _ratio(
        _mean(c.run(dataclasses.replace(BREASTFEED_20_MIN, anxiety=ACUTE_STRESS)), "milk_ml"),
        _mean(c.run(BREASTFEED_20_MIN), "milk_ml"),
    ),
    "dewey2001_injection_under_stress": lambda c: _share(
        c.run(_stress_pump(oxytocin_injection_mU=20.0))["n_ejections"] > 0
    ),
    "dewey2001_stress_delays": lambda c: _share(c.run(_stress_pump())["n_ejections"] > 0),
    "dewey2001_adrenaline_peripheral": lambda c: _ratio(
        _mean(c.run(_stress_pump(oxytocin_injection_mU=20.0, adrenaline_ug=20.0)), "milk_ml"),
        _mean(c.run(_stress_pump(oxytocin_injection_mU=20.0)), "milk_ml"),
    ),
    "yigit2012_warm_compress": _warm,
    "sefidhaji2022_lullaby_change": lambda c: _music_change(c, music=True),
    "sefidhaji2022_lullaby_photo_change": lambda c: _music_change(c, music=True, baby_photo=True),
    "keith2012_music": lambda c: _gain(
        c.run(dataclasses.replace(NICU_PUMP, music=True)), c.run(NICU_PUMP)
    ),
    "becker_massage": lambda c: _gain(
        c.run(dataclasses.replace(PUMP_AT_COMFORT, massage=True)), c.run(PUMP_AT_COMFORT)
    ),
    "becker_relaxation": lambda c: _gain(
        c.run(dataclasses.replace(NICU_PUMP, relaxation=True)), c.run(NICU_PUMP)
    ),
    "uvnasmoberg2020_later_lactation": lambda c: _ratio(
        _mean(c.run(BREASTFEED, lactation_number=2), "mean_oxytocin_uU_ml"),
        _mean(c.run(BREASTFEED), "mean_oxytocin_uU_ml"),
    ),
    "mcneilly1983_experience_quicker": lambda c: _ratio(
        nan_median(c.run(BREASTFEED)["first_ejection_s"]),
        nan_median(c.run(BREASTFEED, days_postpartum=5.0)["first_ejection_s"]),
    ),
    "gardner2015_me_count_stable": lambda c: _ratio(
        _mean(c.run(BREASTFEED), "n_ejections"),
        _mean(c.run(BREASTFEED, days_postpartum=5.0), "n_ejections"),
    ),
    "kent1999_production_established": lambda c: _daily_milk(c, 120.0),
    "saint1984_day1_share": lambda c: _ratio(_daily_milk(c, 0.5), _daily_milk(c, 21.0)),
    "saint1984_day3_share": lambda c: _ratio(_daily_milk(c, 3.0), _daily_milk(c, 21.0)),
    "saint1984_day5_share": lambda c: _ratio(_daily_milk(c, 5.0), _daily_milk(c, 21.0)),
    "kent1999_fifteen_months_share": lambda c: _ratio(_daily_milk(c, 456.0), _daily_milk(c, 120.0)),
    "dewey_nine_months_share": lambda c: _ratio(_daily_milk(c, 274.0), _daily_milk(c, 120.0)),
    "dewey_twelve_months_share": lambda c: _ratio(_daily_milk(c, 365.0), _daily_milk(c, 120.0)),
    "days_quicker_letdown": lambda c: _days(c)[0],
    "mcneilly1978_leaks_fade": lambda c: _days(c)[1],
}


def check_targets(
    targets: Iterable[Target],
    n_mothers: int = DEFAULT_MOTHERS,
    seed: int = DEFAULT_SEED,
    parameters: Parameters = PARAMETERS,
) -> list[Check]:
    """The model's value for each target, from cohorts shared between targets."""
    cohorts = Cohorts(n_mothers, seed, parameters)
    checks = []
    for t in targets:
        model = float(METRICS[t.id](cohorts))
        checks.append(
            Check(
                t.name,
                t.source,
                t.published,
                model,
                t.low,
                t.high,
                t.tolerance,
                t.id,
                t.set,
                t.kind,
            )
        )
    return checks


def run_validation(
    n_mothers: int = DEFAULT_MOTHERS, seed: int = DEFAULT_SEED, sets: Iterable[str] = SETS
) -> list[Check]:
    """Every target of the given sets (calibration first), checked against the model."""
    wanted = set(sets)
    targets = [t for t in load_targets() if t.set in wanted]
    targets.sort(key=lambda t: SETS.index(t.set))
    return check_targets(targets, n_mothers, seed)


DAY_MOTHERS = 4
_WEEK_S = 7 * 86400.0
_day_cache: dict[tuple[int, Parameters], tuple[float, float]] = {}


def _day_ratios(seed: int, p: Parameters) -> tuple[float, float]:
    """Six weeks of a first-time mother's days, for a few sampled mothers: time to the first
    let-down and leaks, week 6 over week 1."""
    key = (seed, p)
    if key in _day_cache:
        return _day_cache[key]
    first_ratio, leak_ratio = [], []
    for index, mother in enumerate(sample_mothers(DAY_MOTHERS, seed, p, lactation_number=1)):
        history = simulate_days(mother, days=42, schedule=Schedule(), seed=seed + index)

        def week(at_s: float) -> int:
            return int(at_s // _WEEK_S)

        first = {
            w: [
                s.letdown_s[0] if s.letdown_s else s.duration_s
                for s in history.sessions
                if week(s.start_s) == w
            ]
            for w in (0, 5)
        }
        first_ratio.append(float(np.mean(first[5]) / np.mean(first[0])))
        leaks = [sum(week(leak.at_s) == w for leak in history.leaks) for w in (0, 5)]
        leak_ratio.append(leaks[1] / max(leaks[0], 1))
    _day_cache[key] = (float(np.mean(first_ratio)), float(np.mean(leak_ratio)))
    return _day_cache[key]


PASS_SHARE = 0.8  # the share of validation targets the model must meet


def validation_passes(checks: list[Check]) -> bool:
    """At least 80 % of the validation targets met (calibration misses are reported, not
    failed: they say the fit could not reach them)."""
    held_out = [c for c in checks if c.set == "validation"]
    return not held_out or sum(c.passed for c in held_out) >= PASS_SHARE * len(held_out)


def _table(checks: list[Check]) -> list[str]:
    header = ("check", "source", "published", "model", "tolerance", "")
    rows = [
        (
            c.name,
            c.source.split(";")[0][:40],
            c.published[:48],
            f"{c.model:.3g}",
            f"[{c.low:g}, {c.high:g}]",
            "pass" if c.passed else "FAIL",
        )
        for c in checks
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def format_table(checks: list[Check]) -> str:
    """Plain-text tables, calibration and validation apart, each with its count."""
    lines: list[str] = []
    for name in SETS:
        part = [c for c in checks if c.set == name]
        if not part:
            continue
        title = {
            "calibration": "CALIBRATION (the fit may use these: in-sample)",
            "validation": "VALIDATION (held out: no parameter is tuned on these)",
        }[name]
        lines += ["", title, *_table(part)]
        passed = sum(c.passed for c in part)
        quantitative = [c for c in part if c.kind == "quantitative"]
        lines.append(
            f"{name}: {passed} of {len(part)} pass "
            f"({sum(c.passed for c in quantitative)} of {len(quantitative)} quantitative)"
        )
    return "\n".join(lines).lstrip("\n")
