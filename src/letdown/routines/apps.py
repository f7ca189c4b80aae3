from django.apps import AppConfig


class RoutinesConfig(AppConfig):
    name = "letdown.routines"
    label = "routines"
