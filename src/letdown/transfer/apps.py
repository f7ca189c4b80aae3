from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "letdown.transfer"
    label = "transfer"
