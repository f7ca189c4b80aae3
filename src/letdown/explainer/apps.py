from django.apps import AppConfig


class ExplainerConfig(AppConfig):
    """The "Inside your let-down" page (at /inside/): the reflex model explained, to play with."""

    name = "letdown.explainer"
    label = "explainer"
