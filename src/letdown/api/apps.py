from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "letdown.api"
    label = "api"
    verbose_name = "API"
