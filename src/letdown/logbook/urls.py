from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/letdowns/new/", views.letdown_add, name="letdown_add"),
    path("letdowns/<int:pk>/edit/", views.letdown_edit, name="letdown_edit"),
    path("leaks/new/", views.leak_new, name="leak_new"),
    path("leaks/quick/", views.leak_quick, name="leak_quick"),
    path("feeds/new/", views.feed_new, name="feed_new"),
    path("feeds/<int:pk>/edit/", views.feed_edit, name="feed_edit"),
    path("history/", views.history, name="history"),
    path("<str:what>/<int:pk>/delete/", views.delete, name="delete"),
]
