from django.apps import AppConfig


class InsideConfig(AppConfig):
    name = "letdown.inside"
    label = "inside"
