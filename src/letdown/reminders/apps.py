from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "letdown.reminders"
    label = "reminders"
