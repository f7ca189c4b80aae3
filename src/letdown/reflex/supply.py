"""The course of a lactation: how much milk she makes per day, relative to established lactation.

Milk comes in over the first days (lactogenesis II: colostrum only at first, Saint 1984), stays
level while the baby feeds only on milk, and falls after about six months as the baby eats other
food (Kent 1999). The curve scales the milk available at a session; how much of it a feed or a
pump removes is still the session model's work.
"""

from __future__ import annotations

import numpy as np

from .parameters import PARAMETERS, Parameters


def supply_factor(
    days_postpartum: np.ndarray | float,
    lactation_number: np.ndarray | int = 1,
    parameters: Parameters = PARAMETERS,
) -> np.ndarray:
    """Daily milk production relative to established lactation (1.0 at about two months)."""
    p = parameters
    days = np.maximum(np.asarray(days_postpartum, dtype=float), 0.0)
    later = np.asarray(lactation_number) > 1
    half = p.lactogenesis_half_days - np.where(later, p.later_lactation_lactogenesis_shift_days, 0)
    coming_in = 1.0 / (1.0 + np.exp(-(days - half) / p.lactogenesis_width_days))
    rise = p.colostrum_share + (1.0 - p.colostrum_share) * coming_in
    past = np.maximum(days - p.supply_decline_from_days, 0.0)
    return np.asarray(rise * np.exp(-past / p.supply_decline_time_days))


def stage_scale(
    days_postpartum: np.ndarray | float,
    lactation_number: np.ndarray | int = 1,
    parameters: Parameters = PARAMETERS,
) -> np.ndarray:
    """Milk at this stage over milk at the reference stage (Kent 2008's established mothers)."""
    reference = supply_factor(parameters.supply_reference_days, 1, parameters)
    scale: np.ndarray = supply_factor(days_postpartum, lactation_number, parameters) / reference
    return scale
