"""`letdown reflex ...`: fit the model to its calibration targets, validate it against held-out
ones, see which targets each parameter moves, simulate a cohort, list the parameters."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TextIO

import numpy as np

from .explainer import TABLE_PATH, build_table
from .fit import FIT_MOTHERS, FIT_SEED, fit, write
from .model import COHORT_FIELDS, simulate_many
from .mother import sample_mothers
from .parameters import DEFAULTS, FITTED_PATH, PARAMETERS, parameter_table
from .scenario import KINDS, Scenario
from .sensitivity import format_sensitivity, sensitivity
from .validation import (
    DEFAULT_MOTHERS,
    DEFAULT_SEED,
    SETS,
    format_table,
    run_validation,
    validation_passes,
)

SUMMARY_FIELDS = (*COHORT_FIELDS, "n_bursts", "mean_oxytocin_uU_ml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letdown reflex", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="compare the model with published figures")
    validate.add_argument("--mothers", type=int, default=DEFAULT_MOTHERS)
    validate.add_argument("--seed", type=int, default=DEFAULT_SEED)
    validate.add_argument("--set", choices=SETS, action="append", dest="sets")
    fit = commands.add_parser("fit", help="fit the fitted parameters to the calibration targets")
    fit.add_argument("--mothers", type=int, default=FIT_MOTHERS)
    fit.add_argument("--seed", type=int, default=FIT_SEED)
    fit.add_argument("--max-iterations", type=int, default=6)
    fit.add_argument("--dry-run", action="store_true", help="print, do not write fitted.json")
    fit.add_argument(
        "--continue", action="store_true", dest="resume", help="start from the last fit's values"
    )
    sensitivity = commands.add_parser(
        "sensitivity", help="which targets each fitted parameter moves"
    )
    sensitivity.add_argument("--mothers", type=int, default=300)
    sensitivity.add_argument("--seed", type=int, default=DEFAULT_SEED)
    sensitivity.add_argument("--step", type=float, default=0.2)
    simulate = commands.add_parser("simulate", help="simulate a cohort and summarise it")
    simulate.add_argument("--kind", choices=KINDS, default="pump")
    simulate.add_argument("--minutes", type=float, default=15.0)
    simulate.add_argument("--n", type=int, default=1000)
    simulate.add_argument("--seed", type=int, default=1)
    simulate.add_argument("--anxiety", type=float, default=0.0)
    simulate.add_argument("--vacuum-mmhg", type=float, default=190.0)
    simulate.add_argument("--sequential", action="store_true", help="pump one side at a time")
    simulate.add_argument("--json", action="store_true")
    commands.add_parser("parameters", help="list every parameter with its source")
    commands.add_parser(
        "explainer-table", help="precompute the 'Inside your let-down' page's combinations"
    )
    return parser


def cohort_summary(values: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Median, quartiles and how many mothers had a value, for each summary field."""
    summary = {}
    for name in SUMMARY_FIELDS:
        finite = values[name][np.isfinite(values[name])]
        if finite.size:
            q1, median, q3 = np.percentile(finite, [25, 50, 75])
        else:
            q1 = median = q3 = math.nan
        summary[name] = {
            "median": float(median),
            "q1": float(q1),
            "q3": float(q3),
            "n": int(finite.size),
        }
    return summary


def _simulate(args: argparse.Namespace, out: TextIO) -> int:
    if args.n < 1 or args.minutes <= 0:
        print("--n must be at least 1 and --minutes positive", file=sys.stderr)
        return 2
    try:
        scenario = Scenario(
            kind=args.kind,
            duration_s=args.minutes * 60.0,
            anxiety=args.anxiety,
            vacuum_mmHg=args.vacuum_mmhg,
            simultaneous=not args.sequential,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    values = simulate_many(sample_mothers(args.n, args.seed), scenario, args.seed + 1)
    summary = cohort_summary(values)
    if args.json:
        payload = {
            "kind": args.kind,
            "minutes": args.minutes,
            "n": args.n,
            "seed": args.seed,
            "summary": summary,
        }
        # NaN is not JSON: a field no mother had becomes null.
        text = json.dumps(payload, indent=2).replace("NaN", "null")
        print(text, file=out)
        return 0
    print(f"{args.n} mothers, {args.kind}, {args.minutes:g} min (seed {args.seed})", file=out)
    print(f"{'':22} {'median':>9} {'IQR':>21} {'n':>6}", file=out)
    for name, row in summary.items():
        iqr = f"{row['q1']:.3g} - {row['q3']:.3g}"
        print(f"{name:22} {row['median']:9.3g} {iqr:>21} {row['n']:6d}", file=out)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run a `letdown reflex` command; returns the exit status."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    if args.command == "validate":
        checks = run_validation(n_mothers=args.mothers, seed=args.seed, sets=args.sets or SETS)
        print(format_table(checks), file=out)
        return 0 if validation_passes(checks) else 1
    if args.command == "simulate":
        return _simulate(args, out)
    if args.command == "fit":
        start = PARAMETERS if args.resume else DEFAULTS
        record = fit(args.mothers, args.seed, args.max_iterations, start_from=start)
        if args.resume:
            record["continues"] = json.loads(FITTED_PATH.read_text())["fitted_on"]
        print(json.dumps(record, indent=2), file=out)
        if not args.dry_run:
            write(record)
            print(f"wrote {FITTED_PATH}", file=out)
        return 0
    if args.command == "explainer-table":
        count = build_table()
        print(f"wrote {count} combinations to {TABLE_PATH}", file=out)
        return 0
    if args.command == "sensitivity":
        rows = sensitivity(args.mothers, args.seed, args.step)
        print(format_sensitivity(rows, args.step), file=out)
        return 0
    for name, value, unit, source in parameter_table():
        print(f"{name:32} {value:>10g} {unit:18} {source}", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
