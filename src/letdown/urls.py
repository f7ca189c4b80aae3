from django.contrib import admin
from django.urls import include, path

from letdown.api.api import api
from letdown.core import app_shell
from letdown.health import health

urlpatterns = [
    path("health", health, name="health"),
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service_worker"),
    path("favicon.ico", app_shell.favicon, name="favicon"),
    path("offline/", app_shell.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("account/", include("letdown.accounts.urls")),
    path("routines/", include("letdown.routines.urls")),
    path("insights/", include("letdown.insights.urls")),
    path("learn/", include("letdown.learn.urls")),
    path("inside/", include("letdown.inside.urls")),
    path("data/", include("letdown.transfer.urls")),
    path("baby/", include("letdown.babylog.urls")),
    path("", include("letdown.share.urls")),
    path("reminders/", include("letdown.reminders.urls")),
    path("api/v1/", api.urls),
    path("account/tokens/", include("letdown.api.urls")),
    path("", include("letdown.live.urls")),
    path("", include("letdown.logbook.urls")),
]
