from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from letdown.api.api import api
from letdown.core import app_shell
from letdown.health import health

# The strings static scripts translate with gettext(): letdown's own "djangojs" catalogues,
# in the request's language; they change only with a new release (the server's start).
_STARTED = timezone.now()
javascript_catalog = cache_control(max_age=3600)(
    last_modified(lambda request: _STARTED)(JavaScriptCatalog.as_view(packages=["letdown.core"]))
)

urlpatterns = [
    path("jsi18n/", javascript_catalog, name="javascript_catalog"),
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
    path("inside/", include("letdown.explainer.urls")),
    path("data/", include("letdown.transfer.urls")),
    path("baby/", include("letdown.babylog.urls")),
    path("", include("letdown.share.urls")),
    path("reminders/", include("letdown.reminders.urls")),
    path("api/v1/", api.urls),
    path("account/tokens/", include("letdown.api.urls")),
    path("", include("letdown.live.urls")),
    path("", include("letdown.logbook.urls")),
]
