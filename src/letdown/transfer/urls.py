from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("", views.data_page, name="data"),
    path("export/", views.export_download, name="export"),
    path("import/", views.import_preview, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("pull/", views.pull_preview, name="pull"),
]
