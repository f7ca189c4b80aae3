"""`letdown backup|restore|export|import`: a self-hoster's commands for her data."""

from __future__ import annotations

import argparse
import os
import sys
import zoneinfo
from pathlib import Path

from .incoming import SOURCES

COMMANDS = ("backup", "restore", "export", "import")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letdown")
    sub = parser.add_subparsers(dest="command", required=True)
    backup = sub.add_parser("backup", help="a consistent snapshot, while the server runs")
    backup.add_argument("path", type=Path, help="the archive to write, e.g. letdown.tar.gz")
    restore = sub.add_parser("restore", help="a backup into an empty data directory")
    restore.add_argument("path", type=Path)
    export = sub.add_parser("export", help="one household's data as JSON or CSV")
    export.add_argument("--household", type=int, required=True, metavar="ID")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--media", action="store_true", help="her media files too (a zip)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    imp = sub.add_parser("import", help="another app's export (or letdown's) into a household")
    imp.add_argument("--household", type=int, required=True, metavar="ID")
    imp.add_argument("path", type=Path, nargs="?", help="the file (not with --url)")
    imp.add_argument("--source", choices=SOURCES, required=True)
    imp.add_argument("--url", help="pull from this Baby Buddy server's API instead of a file")
    imp.add_argument("--token", help="with --url: her Baby Buddy API token")
    imp.add_argument("--tz", metavar="ZONE", help="the zone of times with none (default: hers)")
    imp.add_argument("--unit", choices=["ml", "oz"], help="amounts with no unit (default: hers)")
    imp.add_argument(
        "--weight-unit",
        choices=["kg", "g", "lb", "oz"],
        help="baby weights with no unit (default: kg, or lb if her unit is oz)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    return parser


def _fail(message: str) -> int:
    print(f"letdown: {message}", file=sys.stderr)
    return 2


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from .backup import BackupError, Place

    if args.command == "restore":
        from .backup import restore_backup

        try:
            # Before Django: its settings would write a new secret key into the directory.
            manifest = restore_backup(Place.from_environment(), args.path)
        except BackupError as error:
            return _fail(str(error))
        print(f"restored a backup of {manifest['created_at']} ({manifest['database']})")
        return 0
    _setup()
    if args.command == "backup":
        from .backup import create_backup

        try:
            manifest = create_backup(
                Place.from_settings(),
                args.path,
                secret_key_from_env=bool(os.environ.get("LETDOWN_SECRET_KEY")),
            )
        except BackupError as error:
            return _fail(str(error))
        size = sum(f["bytes"] for f in manifest["files"].values())
        print(f"backup written to {args.path}: {len(manifest['files'])} files, {size} bytes")
        print(f"secret key: {manifest['secret_key']}")
        return 0
    from letdown.accounts.models import Household

    household = Household.objects.filter(pk=args.household).first()
    if household is None:
        return _fail(f"there is no household {args.household}")
    if args.command == "export":
        return _export(household, args)
    return _import(household, args)


def _export(household: object, args: argparse.Namespace) -> int:
    from django.utils import timezone

    from .export import export_csv_zip, export_json, export_json_zip

    now = timezone.now()
    if args.format == "csv":
        data = export_csv_zip(household, now=now, media=args.media)  # type: ignore[arg-type]
    elif args.media:
        data = export_json_zip(household, now=now)  # type: ignore[arg-type]
    else:
        data = export_json(household, now=now)  # type: ignore[arg-type]
    args.output.write_bytes(data)
    print(f"exported household {args.household} to {args.output} ({len(data)} bytes)")
    return 0


def _import(household: object, args: argparse.Namespace) -> int:
    from .formats import FormatError, default_weight_unit, read
    from .services import import_rows

    try:
        tz = zoneinfo.ZoneInfo(args.tz) if args.tz else household.tz  # type: ignore[attr-defined]
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return _fail(f"unknown time zone {args.tz!r} (for example Europe/Paris)")
    if (args.url is None) == (args.path is None):
        return _fail("give a file to import, or --url (and --token) of a Baby Buddy server")
    try:
        if args.url is not None:
            if args.source != "babybuddy" or not args.token:
                return _fail("--url pulls from Baby Buddy: use --source babybuddy and --token")
            from .babybuddy_api import fetch_babybuddy

            content, name = fetch_babybuddy(args.url, args.token, tz=tz), "babybuddy-api.zip"
        else:
            content, name = args.path.read_bytes(), args.path.name
    except OSError as error:
        return _fail(f"cannot read {args.path}: {error.strerror}")
    except FormatError as error:
        return _fail(str(error))
    try:
        incoming = read(
            args.source,
            content,
            name,
            tz=tz,
            unit=args.unit or household.unit,  # type: ignore[attr-defined]
            weight_unit=args.weight_unit or default_weight_unit(household.unit),  # type: ignore[attr-defined]
        )
    except FormatError as error:
        return _fail(str(error))
    outcome = import_rows(household=household, incoming=incoming, dry_run=args.dry_run)  # type: ignore[arg-type]
    for note in outcome.notes:
        print(f"note: {note}")
    for what, count in sorted(outcome.skipped.items()):
        print(f"skipped: {count} {what}")
    if outcome.problems:
        for problem in outcome.problems:
            print(f"problem: {problem}", file=sys.stderr)
        print(f"nothing imported: {len(outcome.problems)} problems", file=sys.stderr)
        return 1
    for kind in sorted(set(outcome.created) | set(outcome.already)):
        print(f"{kind}: {outcome.created[kind]} new, {outcome.already[kind]} already imported")
    print("dry run: nothing written" if args.dry_run else "imported")
    return 0
