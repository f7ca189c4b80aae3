from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "letdown.insights"
    label = "insights"
