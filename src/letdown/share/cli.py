"""`letdown share create|list|revoke`: a self-hoster's commands for specialist links."""

from __future__ import annotations

import argparse
import os
import sys

from .models import DEFAULT_DAYS, MAX_DAYS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letdown share")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="a read-only link for a specialist; prints it")
    create.add_argument("--household", type=int, required=True, metavar="ID")
    create.add_argument("--name", required=True, help='who it is for, e.g. "Anna, IBCLC"')
    create.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"how long it opens (1 to {MAX_DAYS})"
    )
    create.add_argument(
        "--base-url",
        default=os.environ.get("LETDOWN_BASE_URL", "http://127.0.0.1:8000"),
        help="where the app is served (default: $LETDOWN_BASE_URL or http://127.0.0.1:8000)",
    )
    listing = sub.add_parser("list", help="a household's links, with their last visit")
    listing.add_argument("--household", type=int, required=True, metavar="ID")
    revoke = sub.add_parser("revoke", help="a link stops opening at once")
    revoke.add_argument("id", type=int, metavar="ID")
    return parser


def _fail(message: str) -> int:
    print(f"letdown share: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    from letdown.accounts.models import Household

    from . import selectors, services
    from .models import Share

    now = timezone.now()
    if args.action == "revoke":
        share = Share.objects.filter(pk=args.id).select_related("household").first()
        if share is None:
            return _fail(f"no share {args.id}")
        services.revoke_share(household=share.household, share=share, now=now)
        print(f"share {share.pk} ({share.name}) revoked")
        return 0
    household = Household.objects.filter(pk=args.household).first()
    if household is None:
        return _fail(f"no household {args.household}")
    if args.action == "create":
        try:
            made = services.create_share(
                household=household, name=args.name, now=now, days=args.days
            )
        except services.ShareError as error:
            return _fail(str(error))
        print(args.base_url.rstrip("/") + reverse("share_link", args=[made.token]))
        print(
            f"share {made.share.pk} for {made.share.name}, "
            f"open until {made.share.expires_at:%Y-%m-%d %H:%M} UTC"
        )
        return 0
    for line in selectors.shares_of(household, now):
        share = line.share
        state = "open" if line.is_open else ("revoked" if share.revoked_at else "expired")
        last = f"{line.visits[0]:%Y-%m-%d %H:%M} UTC" if line.visits else "never"
        print(
            f"{share.pk}\t{share.name}\t{state}\tuntil {share.expires_at:%Y-%m-%d %H:%M} UTC"
            f"\tvisits {line.visit_count}\tlast {last}"
        )
    return 0
