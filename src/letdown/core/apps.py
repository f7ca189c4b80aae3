from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "letdown.core"
    label = "core"

    def ready(self) -> None:
        from .client import parse_networks

        # A mistyped LETDOWN_TRUSTED_PROXIES stops the server at start, not at the first login.
        parse_networks(settings.TRUSTED_PROXIES)
