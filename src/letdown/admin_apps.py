"""Django's admin app with our admin site (letdown/admin.py). Kept apart from the site itself,
which imports models, because this module is imported while the apps are still loading."""

from django.contrib.admin.apps import AdminConfig


class LetdownAdminConfig(AdminConfig):
    default_site = "letdown.admin.LetdownAdminSite"
