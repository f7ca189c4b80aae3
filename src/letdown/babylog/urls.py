from django.urls import path

from . import views

urlpatterns = [
    path("nappies/quick/", views.nappy_quick, name="nappy_quick"),
    path("nappies/<int:pk>/", views.nappy_edit, name="nappy_edit"),
    path("weights/new/", views.weighing_new, name="weighing_new"),
    path("weights/<int:pk>/", views.weighing_edit, name="weighing_edit"),
    path("<str:what>/<int:pk>/delete/", views.delete, name="babylog_delete"),
]
