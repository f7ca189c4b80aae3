"""Settings → API tokens (the API itself is mounted from `api.api.urls` at /api/v1/)."""

from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens_page, name="tokens"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
