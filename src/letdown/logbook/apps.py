from django.apps import AppConfig


class LogbookConfig(AppConfig):
    name = "letdown.logbook"
    label = "logbook"
