from django.apps import AppConfig


class BabylogConfig(AppConfig):
    name = "letdown.babylog"
    label = "babylog"
