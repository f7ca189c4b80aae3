"""LETDOWN_EMAIL_URL, an SMTP address such as ``smtp+tls://user:password@mail.example.org:587``,
turned into Django's EMAIL_* settings. Pure Python, no Django, so settings.py can call it.

Schemes: ``smtp`` (no encryption, port 25 by default), ``smtp+tls`` (STARTTLS, port 587),
``smtps`` (TLS from the first byte, port 465), and ``console:``, which prints each message
on the server's output instead of sending it (for trying things out). The user name and
password may be percent-encoded (``%40`` for ``@``). Query parameters: ``from`` (the sender
address, default ``letdown@`` and the host name) and ``timeout`` in seconds (default 10)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 465}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_TIMEOUT_S = 10


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    from_address: str
    timeout_s: int
    backend: str = SMTP_BACKEND

    def as_django_settings(self) -> dict[str, object]:
        return {
            "EMAIL_BACKEND": self.backend,
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": self.user,
            "EMAIL_HOST_PASSWORD": self.password,
            "EMAIL_USE_TLS": self.use_tls,
            "EMAIL_USE_SSL": self.use_ssl,
            "EMAIL_TIMEOUT": self.timeout_s,
            "DEFAULT_FROM_EMAIL": self.from_address,
            "SERVER_EMAIL": self.from_address,
        }


def parse_email_url(url: str) -> EmailSettings:
    """The settings an SMTP URL names; ValueError, saying what is wrong, for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(f"LETDOWN_EMAIL_URL is not a valid address: {error}") from None
    scheme = parts.scheme.lower()
    if scheme == "console":
        return _console(parts.query)
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            "LETDOWN_EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console:, "
            f"not {scheme!r}"
        )
    if not parts.hostname:
        raise ValueError("LETDOWN_EMAIL_URL names no mail server host")
    query = parse_qs(parts.query, strict_parsing=False)
    unknown = sorted(set(query) - {"from", "timeout"})
    if unknown:
        raise ValueError(f"LETDOWN_EMAIL_URL has unknown parameter(s): {', '.join(unknown)}")
    timeout_text = query.get("timeout", [str(DEFAULT_TIMEOUT_S)])[-1]
    if not timeout_text.isdigit() or int(timeout_text) <= 0:
        raise ValueError("LETDOWN_EMAIL_URL: timeout must be a whole number of seconds")
    from_address = query.get("from", [f"letdown@{parts.hostname}"])[-1]
    if "@" not in from_address:
        raise ValueError("LETDOWN_EMAIL_URL: from must be an email address")
    return EmailSettings(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=scheme == "smtp+tls",
        use_ssl=scheme == "smtps",
        from_address=from_address,
        timeout_s=int(timeout_text),
    )


def _console(query_text: str) -> EmailSettings:
    query = parse_qs(query_text)
    unknown = sorted(set(query) - {"from"})
    if unknown:
        raise ValueError(f"LETDOWN_EMAIL_URL has unknown parameter(s): {', '.join(unknown)}")
    from_address = query.get("from", ["letdown@localhost"])[-1]
    if "@" not in from_address:
        raise ValueError("LETDOWN_EMAIL_URL: from must be an email address")
    return EmailSettings(
        host="localhost",
        port=25,
        user="",
        password="",
        use_tls=False,
        use_ssl=False,
        from_address=from_address,
        timeout_s=DEFAULT_TIMEOUT_S,
        backend=CONSOLE_BACKEND,
    )
