from django.urls import path

from . import views

app_name = "routines"

urlpatterns = [
    path("", views.routine_list, name="list"),
    path("new/", views.routine_new, name="new"),
    path("default/", views.routine_from_default, name="from_default"),
    path("<int:pk>/", views.routine_edit, name="edit"),
    path("<int:pk>/delete/", views.routine_delete, name="delete"),
    path("<int:pk>/start/", views.routine_start, name="start"),
    path("<int:pk>/steps/add/", views.routine_step_add, name="step_add"),
    path("<int:pk>/steps/<int:index>/", views.routine_step_update, name="step_update"),
    path("<int:pk>/steps/<int:index>/move/", views.routine_step_move, name="step_move"),
    path("<int:pk>/steps/<int:index>/remove/", views.routine_step_remove, name="step_remove"),
    path("steps/<slug:slug>/", views.step_info, name="step_info"),
    path("runs/<int:pk>/", views.run_player, name="player"),
    path("runs/<int:pk>/state/", views.run_state, name="run_state"),
    path("runs/<int:pk>/events/", views.run_event, name="run_event"),
    path("runs/<int:pk>/finish/", views.run_finish, name="run_finish"),
    path("runs/<int:pk>/session/", views.run_session, name="run_session"),
    path("sessions/<int:session_pk>/follow/", views.session_follow, name="session_follow"),
    path("media/", views.media_list, name="media"),
    path("media/upload/", views.media_upload, name="media_upload"),
    path("media/<int:pk>/", views.media_file, name="media_file"),
    path("media/<int:pk>/delete/", views.media_delete, name="media_delete"),
]
