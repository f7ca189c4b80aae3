"""Every number the reflex model uses, in one place, each with its unit and where it comes from.

"fit:" marks the parameters `letdown reflex fit` estimates from the calibration targets in
`targets.toml` (its result, with provenance, is `fitted.json`, loaded below); "fitted" marks older
hand-tuned values that no procedure re-estimates yet; "assumed" means a plausible value with no
published figure behind it; a citation means the figure is taken from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _p(value: float, unit: str, source: str) -> Any:
    return field(default=value, metadata={"unit": unit, "source": source})


@dataclass(frozen=True)
class Parameters:
    time_step_s: float = _p(2.0, "s", "numerical choice: validation agrees with 1 s steps")
    getting_ready_s: float = _p(60.0, "s", "assumed: she settles in or sets up the pump")

    # The brain: an integrate-and-fire pulse generator for the oxytocin cells.
    drive_leak_time_s: float = _p(200.0, "s", "fitted")
    drive_noise: float = _p(0.05, "threshold/sqrt(s)", "fitted (within-mother variation)")
    refractory_s: float = _p(100.0, "s", "fit: silence after a burst: Wakerley & Lincoln 1973")
    refractory_sd_s: float = _p(25.0, "s", "fitted (between mothers)")
    nipple_drive_per_s: float = _p(0.012, "threshold/s", "fit: Kent 2008, Ramsay 2004 (ME counts)")
    drive_gain_sd_log: float = _p(0.45, "log", "fitted (between mothers; Gardner 2015)")
    bilateral_exponent: float = _p(0.65, "", "fitted: both nipples drive more (Prime 2012)")
    stimulation_phase_s: float = _p(120.0, "s", "pump makers' 2-phase patterns")
    stimulation_phase_intensity: float = _p(0.6, "x one side", "reference: a pump's fast phase")
    expression_phase_intensity: float = _p(0.6, "x one side", "fitted: slower cycling")
    non_nutritive_suck_intensity: float = _p(0.9, "x one pump side", "fitted: Gardner 2015")
    nutritive_suck_intensity: float = _p(0.35, "x one pump side", "fitted: slower sucks (Mizuno)")
    swallowing_flow_ml_s: float = _p(0.15, "mL/s", "assumed: flow that turns sucking nutritive")
    swallowing_time_s: float = _p(10.0, "s", "assumed")
    baby_appetite_ml: float = _p(110.0, "mL", "fit: Kent 1999 (907 g a day, as 8 feeds)")
    baby_appetite_sd_log: float = _p(0.5, "log", "assumed: feeds differ")
    satisfied_share: float = _p(0.6, "of her appetite", "assumed: fed enough to give up")
    gives_up_after_s: float = _p(180.0, "s", "assumed: no milk for this long, she comes off")
    satiety_suck_loss: float = _p(1.0, "", "assumed: a baby getting full sucks less")
    suck_efficiency_newborn: float = _p(0.75, "", "assumed; sucking improves by 16 d (Sakalidis)")
    suck_efficiency_days: float = _p(7.0, "d", "assumed (Sakalidis 2013: better at 16 d than 3 d)")
    pump_vacuum_reference_mmHg: float = _p(190.7, "mmHg", "Kent 2008 (max comfortable vacuum)")
    pump_vacuum_sd_mmHg: float = _p(42.0, "mmHg", "Kent 2008 (SEM 8.8, n = 23, as an SD)")
    vacuum_drive_exponent: float = _p(0.5, "", "assumed: stronger suction, a little more drive")
    massage_drive_per_s: float = _p(0.0015, "threshold/s", "fitted: small (Morton 2009)")
    skin_to_skin_drive_per_s: float = _p(0.001, "threshold/s", "assumed: touch releases oxytocin")
    cue_drive_per_s: float = _p(0.016, "threshold/s", "fitted to McNeilly 1983")
    cue_habituation_s: float = _p(240.0, "s", "fitted: one anticipatory release (McNeilly 1983)")
    cue_salience_photo: float = _p(0.35, "", "fitted: small (lullaby + photo, 2022)")
    cue_salience_scent: float = _p(0.35, "", "assumed like the photo")
    central_inhibition: float = _p(0.5, "per unit stress", "fit: Ueda 1994")
    central_amplitude_inhibition: float = _p(
        0.6, "per unit stress", "fit: Ueda 1994 (fewer pulses, the same milk)"
    )
    pulse_detection_uU_ml: float = _p(
        4.0, "uU/mL", "assumed: a burst smaller than this is missed by 2-min samples (Ueda 1994)"
    )
    inhibition_trait_mean: float = _p(0.15, "", "fitted: everyday background inhibition")
    inhibition_trait_sd: float = _p(0.07, "", "assumed")
    relaxation_relief: float = _p(0.25, "", "fitted: small (Becker, Cochrane)")
    music_relief: float = _p(0.2, "", "fit: SefidHaji 2022 (day 1 to 6 change)")
    pain_per_excess_vacuum: float = _p(1.2, "stress per unit", "assumed: pain inhibits (Dewey)")

    # Learning: Rescorla-Wagner on each cue, one trial per feed.
    learning_rate_getting_ready: float = _p(0.008, "per feed", "fitted: weeks to learn")
    learning_rate_baby_presence: float = _p(0.008, "per feed", "fitted")
    learning_rate_baby_cry: float = _p(0.02, "per feed", "fitted")
    learning_rate_pump: float = _p(0.015, "per session", "fitted")
    extinction_rate: float = _p(0.01, "per unpaired cue", "assumed")
    later_lactation_savings: float = _p(0.5, "", "assumed: relearning is faster")
    feeds_per_day_typical: float = _p(8.0, "1/d", "assumed (8-12 a day early on)")
    cry_share_of_feeds: float = _p(0.4, "", "assumed")
    pump_share_of_feeds: float = _p(0.15, "", "assumed")

    # Blood.
    oxytocin_basal_uU_ml: float = _p(0.7, "uU/mL", "JCEM 1986 (0.7 +/- 0.1 at rest)")
    burst_amplitude_uU_ml: float = _p(7.0, "uU/mL", "fit: JCEM 1986 (5.9 during suckling)")
    burst_amplitude_sd_log: float = _p(0.35, "log", "fitted: peaks 5-23 uU/mL (JCEM 1986)")
    later_lactation_amplitude_gain: float = _p(0.3, "", "fitted: small (BMJ 1980; Uvnas Moberg)")
    fast_share: float = _p(0.7, "", "assumed")
    fast_half_life_s: float = _p(180.0, "s", "De Groot 1995 (about 3 min)")
    slow_half_life_s: float = _p(1200.0, "s", "De Groot 1995 (about 20 min)")
    plasma_volume_ml: float = _p(3000.0, "mL", "assumed, for injected oxytocin")
    breast_delay_min_s: float = _p(10.0, "s", "Wakerley & Lincoln 1973; Rossoni 2008")
    breast_delay_max_s: float = _p(15.0, "s", "Wakerley & Lincoln 1973; Rossoni 2008")
    prolactin_gain: float = _p(3.5, "x basal", "assumed (order of magnitude)")
    prolactin_time_s: float = _p(700.0, "s", "fitted: peak about 15 min (McNeilly 1983; Noel 1974)")
    prolactin_adaptation_s: float = _p(2400.0, "s", "fitted: peak about 15 min")

    # The breast.
    receptor_adaptation_s: float = _p(120.0, "s", "fitted: ME lasts 45 s-3.5 min (Ramsay 2004)")
    ejection_threshold_uU_ml: float = _p(1.6, "uU/mL", "fitted")
    ejection_threshold_sd_log: float = _p(0.1, "log", "fitted (between mothers)")
    breast_threshold_sd_log: float = _p(0.3, "log", "fitted: 95.5 % synchrony (Prime 2009)")
    contraction_half_uU_ml: float = _p(2.0, "uU/mL", "assumed")
    contraction_time_s: float = _p(18.0, "s", "assumed")
    contraction_on: float = _p(0.15, "", "fitted: what counts as an ejection")
    contraction_off: float = _p(0.04, "", "fitted")
    ejection_rate_per_s: float = _p(0.014, "1/s", "fit: Kent 2008 (65.5 % in 15 min)")
    duct_capacity_share: float = _p(0.25, "of the milk", "assumed")
    duct_resting_share: float = _p(0.06, "of the milk", "assumed: little before a let-down")
    reflux_rate_per_s: float = _p(0.02, "1/s", "assumed: milk not removed flows back")
    removal_rate_per_s: float = _p(0.02, "1/s", "fit: Kent 2008")
    removal_gain_sd_log: float = _p(0.2, "log", "assumed (between mothers)")
    removal_vacuum_exponent: float = _p(1.0, "", "fitted: softer vacuum removes less (Kent 2008)")
    baby_removal: float = _p(1.5, "x pump at 190 mmHg", "fit: Kent 1999 (milk per feed)")
    massage_transfer_per_s: float = _p(0.0004, "1/s", "fitted: small (Morton 2009)")
    available_ml: float = _p(181.0, "mL", "Kent 2008 (118.5 mL = 65.5 %)")
    # The lactation's course: milk comes in over the first days and falls after six months.
    supply_reference_days: float = _p(60.0, "d", "the established lactation of Kent 2008")
    colostrum_share: float = _p(0.04, "of established", "Saint 1984 (37 g in the first 24 h)")
    lactogenesis_half_days: float = _p(3.0, "d", "fit: Saint 1984 (day 3)")
    lactogenesis_width_days: float = _p(0.7, "d", "assumed")
    later_lactation_lactogenesis_shift_days: float = _p(
        0.5, "d", "assumed: first-time mothers are later (Dewey 2003, aOR 3.16 for delay)"
    )
    supply_decline_from_days: float = _p(183.0, "d", "Kent 1999: decreased after 6 months")
    supply_decline_time_days: float = _p(356.0, "d", "fit: Kent 1999 (15 months)")
    available_sd_log: float = _p(0.3, "log", "assumed (between mothers)")
    right_share_mean: float = _p(0.5, "", "assumed")
    right_share_sd: float = _p(0.05, "", "assumed")
    warmth_removal_gain: float = _p(1.6, "", "fit: Yigit 2012")
    warmth_contraction_gain: float = _p(0.6, "", "fitted to Yigit 2012")
    warmth_time_min: float = _p(8.0, "min", "assumed: warming takes minutes")
    catecholamine_per_stress: float = _p(
        0.0, "", "Ueda 1994: everyday psychological stress left the yield unchanged"
    )
    adrenaline_half_ug: float = _p(10.0, "ug", "assumed (Cross 1950s, animals)")
    adrenaline_half_life_s: float = _p(150.0, "s", "assumed (2-3 min)")
    felt_threshold: float = _p(0.3, "", "fitted: later MEs mostly not felt (Ramsay 2004)")
    felt_threshold_sd_log: float = _p(0.4, "log", "assumed")


FITTED_PATH = Path(__file__).with_name("fitted.json")
# The parameters `letdown reflex fit` estimates, each within a factor of its starting value.
FITTED = (
    "nipple_drive_per_s",
    "refractory_s",
    "central_inhibition",
    "central_amplitude_inhibition",
    "burst_amplitude_uU_ml",
    "ejection_rate_per_s",
    "removal_rate_per_s",
    "warmth_removal_gain",
    "music_relief",
    "lactogenesis_half_days",
    "supply_decline_time_days",
    "baby_appetite_ml",
    "baby_removal",
)


def fitted_values(path: Path = FITTED_PATH) -> dict[str, float]:
    """The values the last fit wrote, or none before the first fit."""
    if not path.exists():
        return {}
    values = json.loads(path.read_text())["values"]
    unknown = set(values) - set(FITTED)
    if unknown:
        raise ValueError(f"{path.name} sets parameters that are not fitted: {sorted(unknown)}")
    return {name: float(value) for name, value in values.items()}


DEFAULTS = Parameters()
PARAMETERS = replace(DEFAULTS, **fitted_values())


def parameter_table(parameters: Parameters = PARAMETERS) -> list[tuple[str, float, str, str]]:
    """(name, value, unit, source) for every parameter, in declaration order."""
    return [
        (f.name, getattr(parameters, f.name), f.metadata["unit"], f.metadata["source"])
        for f in fields(parameters)
    ]
