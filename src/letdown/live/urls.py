from django.urls import path

from . import after, views

urlpatterns = [
    path("sessions/start/", views.session_start, name="session_start"),
    path("sessions/running/", views.sessions_running, name="sessions_running"),
    path("sessions/started/", views.started_offline, name="started_offline"),
    path("sessions/started/<uuid:start>/", views.started, name="started"),
    path("sessions/started/<uuid:start>/state/", views.started_state, name="started_state"),
    path(
        "sessions/started/<uuid:start>/letdowns/<str:tap_id>/details/",
        views.started_details,
        name="started_details",
    ),
    path("sessions/started/<uuid:start>/<str:tap>/", views.started_tap, name="started_tap"),
    path("sessions/<int:pk>/", views.session_live, name="session_live"),
    path("sessions/<int:pk>/state/", views.session_state, name="session_state"),
    path("sessions/<int:pk>/letdown/", views.session_letdown, name="session_letdown"),
    path("sessions/<int:pk>/switch/", views.session_switch, name="session_switch"),
    path("sessions/<int:pk>/pause/", views.session_pause, name="session_pause"),
    path("sessions/<int:pk>/resume/", views.session_resume, name="session_resume"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("sessions/<int:pk>/undo/", views.session_undo, name="session_undo"),
    path("sessions/<int:pk>/reopen/", views.session_reopen, name="session_reopen"),
    path(
        "sessions/<int:pk>/letdowns/<str:tap_id>/details/",
        views.letdown_details,
        name="letdown_details",
    ),
    # The pages after a session or a leak (logbook entries with Learn's articles).
    path("sessions/<int:pk>/edit/", after.session_edit, name="session_edit"),
    path("leaks/<int:pk>/", after.leak_detail, name="leak_detail"),
]
