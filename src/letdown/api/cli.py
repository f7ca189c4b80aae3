"""`letdown token create|list|revoke`: personal API tokens from the server's shell (for a
self-hoster scripting her own install, or a member who cannot reach Settings)."""

from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letdown token")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="make a token and print it (once)")
    create.add_argument("--user", required=True, metavar="USERNAME")
    create.add_argument("--name", required=True, help="what will use it, e.g. 'home dashboard'")
    listing = sub.add_parser("list", help="a member's live tokens (never the tokens themselves)")
    listing.add_argument("--user", required=True, metavar="USERNAME")
    revoke = sub.add_parser("revoke", help="revoke one of a member's tokens")
    revoke.add_argument("--user", required=True, metavar="USERNAME")
    revoke.add_argument("id", type=int)
    return parser


def _fail(message: str) -> int:
    print(f"letdown: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()
    from django.utils import timezone

    from letdown.accounts.models import User

    from . import services
    from .models import ApiToken

    user = User.objects.filter(username=args.user).select_related("household").first()
    if user is None:
        return _fail(f"no user named {args.user!r}")
    now = timezone.now()
    try:
        if args.action == "create":
            row, token = services.create_token(user=user, name=args.name, now=now)
            print(
                f"token {row.pk} '{row.name}' for {user.username} ({user.role}):", file=sys.stderr
            )
            print(token)
            print("It is shown only this once: keep it somewhere safe.", file=sys.stderr)
        elif args.action == "list":
            for row in ApiToken.objects.live().filter(user=user):
                used = row.last_used_at.isoformat() if row.last_used_at else "never used"
                print(f"{row.pk}\t{row.prefix}…\t{row.name}\t{row.created_at.isoformat()}\t{used}")
        else:
            row = services.revoke_token(user=user, pk=args.id, now=now)
            print(f"token {row.pk} '{row.name}' revoked")
    except services.TokenError as error:
        return _fail(str(error))
    return 0
