from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminders_page, name="settings"),
    path("<int:pk>/", views.reminder_edit, name="edit"),
    path("<int:pk>/delete/", views.reminder_delete, name="delete"),
    path("devices/", views.device_add, name="device_add"),
    path("devices/<int:pk>/delete/", views.device_delete, name="device_delete"),
    path("test/", views.send_test, name="test"),
    path("due/", views.due_banner, name="due"),
]
