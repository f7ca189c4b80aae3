from django.urls import path

from . import views

app_name = "learn"

urlpatterns = [
    path("", views.index, name="index"),
    path("sources/", views.sources, name="sources"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("<slug:slug>/", views.article, name="article"),
]
