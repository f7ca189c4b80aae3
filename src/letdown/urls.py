from django.contrib import admin
from django.urls import include, path

from letdown.core.views import health

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("account/", include("letdown.accounts.urls")),
    path("routines/", include("letdown.routines.urls")),
    path("insights/", include("letdown.insights.urls")),
    path("learn/", include("letdown.learn.urls")),
    path("inside/", include("letdown.inside.urls")),
    path("", include("letdown.logbook.urls")),
]
