from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "letdown.core"
    label = "core"
