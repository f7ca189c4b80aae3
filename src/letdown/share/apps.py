from django.apps import AppConfig


class ShareConfig(AppConfig):
    name = "letdown.share"
    label = "share"
