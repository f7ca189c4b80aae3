from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "letdown.learn"
    label = "learn"
