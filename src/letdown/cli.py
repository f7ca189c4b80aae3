"""The `letdown` command: serve, demo, reflex, token, and a pass-through to Django's management."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

DEFAULT_PORT = 8000


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _prepare() -> None:
    """Everything a fresh data directory needs before the first request."""
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"letdown data directory: {settings.DATA_DIR}", flush=True)
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE']} {db.get('HOST')}"
    print(f"database: {where}", flush=True)
    _manage("migrate", "--noinput", "--verbosity", "0")
    _manage("createcachetable", "--verbosity", "0")
    _manage("collectstatic", "--noinput", "--verbosity", "0")


def _serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from letdown.wsgi import application

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-" if os.environ.get("LETDOWN_ACCESS_LOG") else None)
            # No client addresses or query strings in the log: health data stays out of it.
            self.cfg.set("access_log_format", '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus')
            self.cfg.set("timeout", 60)

        def load(self) -> Any:
            return application

    _Server().run()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Statistics run one request at a time per thread; OpenBLAS threads fighting over a
    # small server's cores make them slower, not faster.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if argv[:1] == ["manage"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["letdown manage", *argv[1:]])
        return 0
    if argv[:1] == ["reflex"]:
        from letdown.reflex.cli import main as reflex_main

        return reflex_main(argv[1:])
    if argv[:1] == ["token"]:
        from letdown.api.cli import main as token_main

        return token_main(argv[1:])
    from letdown.transfer.cli import COMMANDS as TRANSFER_COMMANDS

    if argv[:1] and argv[0] in TRANSFER_COMMANDS:
        from letdown.transfer.cli import main as transfer_main

        return transfer_main(argv)

    parser = argparse.ArgumentParser(prog="letdown", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve with gunicorn")
    serve.add_argument("--host", default=os.environ.get("LETDOWN_HOST", "127.0.0.1"))
    serve.add_argument(
        "--port", type=int, default=int(os.environ.get("LETDOWN_PORT", DEFAULT_PORT))
    )
    serve.add_argument("--workers", type=int, default=int(os.environ.get("LETDOWN_WORKERS", 2)))
    demo = sub.add_parser(
        "demo", help="create a demo household with six weeks of history, then serve"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--no-serve", action="store_true", help="only create the demo data")
    sub.add_parser("reflex", help="the reflex model: 'letdown reflex validate|simulate ...'")
    sub.add_parser("manage", help="Django's management commands: 'letdown manage ARGS'")
    sub.add_parser("token", help="API tokens: 'token create --user USERNAME --name NAME'")
    for name, about in [
        ("backup", "a consistent snapshot of the database, media and secret key: 'backup PATH'"),
        ("restore", "a backup into an empty data directory: 'restore PATH'"),
        ("export", "one household's data: 'export --household ID --format json|csv -o PATH'"),
        ("import", "another app's export: 'import --household ID PATH --source ...'"),
    ]:
        sub.add_parser(name, help=about)
    args = parser.parse_args(argv)

    _django_setup()
    _prepare()
    if args.command == "demo":
        from letdown.demo import create_demo_household

        username, password = create_demo_household()
        print(f"\nletdown demo: http://{args.host}:{args.port}/", flush=True)
        print(f"log in as '{username}' with password '{password}'\n", flush=True)
        if args.no_serve:
            return 0
        _serve(args.host, args.port, workers=2)
    else:
        print(f"letdown: http://{args.host}:{args.port}/", flush=True)
        _serve(args.host, args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
