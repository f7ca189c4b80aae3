from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "letdown.accounts"
    label = "accounts"
